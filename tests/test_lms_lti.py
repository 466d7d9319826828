"""The LTI checks as plain functions: role mapping (LIS vocabulary) and each id_token check."""

from __future__ import annotations

import pytest

from denchi.lms.lti import map_role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    "roles, expected",
    [
        ([LIS + "membership#Instructor"], "instructor"),
        (["Instructor"], "instructor"),  # the short form LTI 1.3 allows means the same
        ([LIS + "membership/Instructor#TeachingAssistant"], "instructor"),
        (["Instructor#TeachingAssistant"], "instructor"),
        ([LIS + "membership/Instructor#Grader"], "instructor"),
        ([LIS + "membership#ContentDeveloper"], "instructor"),
        (["Administrator"], "instructor"),
        ([LIS + "system/person#Administrator"], "instructor"),
        (["urn:lti:role:ims/lis/Instructor"], "instructor"),
        ([LIS + "membership#Learner"], "learner"),
        (["Learner"], "learner"),
        ([LIS + "membership/Learner#NonCreditLearner"], "learner"),
        ([LIS + "institution/person#Student"], "learner"),
        ([], "learner"),
        # mentors and observers never get the instructor's view of other students' data
        ([LIS + "membership#Mentor"], "observer"),
        (["Mentor"], "observer"),
        ([LIS + "membership/Mentor#Advisor"], "observer"),
        ([LIS + "membership/Mentor#Auditor"], "observer"),
        ([LIS + "membership#Mentor", LIS + "membership#Learner"], "learner"),
        # an institution's faculty role alone is no teaching role in this course
        ([LIS + "institution/person#Faculty", LIS + "membership#Learner"], "learner"),
    ],
)
def test_lis_roles_map_the_same_in_every_spelling(roles, expected):
    assert map_role(roles) == expected
