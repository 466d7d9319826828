"""The LMS plugin: an LTI 1.3 Advantage tool that hands out, collects and autogrades notebooks.

An LMS (Moodle, Canvas, Blackboard, manaba ...) registers the tool; teachers add modules and
assignments by Deep Linking; learners launch, download the notebook and upload it; the
grading adapter (``denchi.lms.grader``) autogrades it with nbgrader; scores go back through
Assignment and Grade Services with an outbox that retries until the LMS accepts them.

Modules: ``config`` (the one configuration file), ``models``/``store`` (database),
``keys`` (tool signing keys and JWKS), ``lti`` (claims, roles, id_token checks, messages),
``registration`` (dynamic and manual), ``services`` (AGS/NRPS client), ``outbox``,
``grader`` (the adapter to ``denchi.grading``), ``jobs`` (embedded worker and procrastinate),
``web`` (the FastAPI application), ``cli`` (``denchi lms ...``).
"""
