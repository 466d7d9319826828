"""Deep linking from the catalog: the kept request, what an instructor may add, the content
items and the signed LtiDeepLinkingResponse (LTI Deep Linking 2.0).

The request was kept by :mod:`denchi.lms.launches`; nothing here reads a request.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from denchi.lms import lti
from denchi.lms.login_states import platform_ref
from denchi.lms.models import DeepLinkRequest, Platform, utcnow
from denchi.lms.sessions import PageError
from denchi.lms.store import new_token
from denchi.lms.targets import assignment_title, link_parameters, page_options

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime


def pending_request(rt: Runtime, session_id: int, request_id: str) -> DeepLinkRequest:
    """The kept deep-linking request ``request_id`` of the browser session ``session_id``.

    Args:
        rt: The tool instance.
        session_id: The browser session's row id.
        request_id: The kept request's id (from the picker form).

    Raises:
        PageError: code ``deep_link`` (403) when it is unknown, another session's or expired.
    """
    with rt.db.session() as s:
        row = s.get(DeepLinkRequest, request_id)
        if row is None or row.session_id != session_id or row.expires_at < utcnow():
            raise PageError(
                "deep_link",
                "教材の選択の期限が切れました。LMS からやり直してください。",
                "The deep-linking request expired; start again from the LMS.",
                status=403,
            )
        return row


def options(rt: Runtime) -> list[dict]:
    """What an instructor can add: for each available module of the catalog a group with its
    titles, track and options (``value`` ``page:<docname>`` or ``assignment:<id>``,
    ``label``).

    Args:
        rt: The tool instance (its catalog and grader).
    """
    groups = []
    pages = page_options(rt.catalog)
    for module in rt.catalog.available():
        choices = [
            {"value": f"page:{o.docname}", "label": o.label} for o in pages if o.module == module
        ]
        if module.assignment and rt.grader.notebook_names(module.assignment):
            choices.append({"value": f"assignment:{module.assignment}", "label": "自動採点の課題"})
        groups.append(
            {
                "title_ja": module.title_ja,
                "title_en": module.title_en,
                "track": rt.catalog.track(module.track).title_ja,
                "module": module,
                "options": choices,
            }
        )
    return groups


def content_item(rt: Runtime, value: str, groups: list[dict]) -> dict:
    """The ``ltiResourceLink`` content item of one chosen option, launching the tool with the
    custom parameters ``denchi_kind``/``denchi_target``; an assignment carries a line item
    with its maximum score [points] (LTI Deep Linking 2.0, "LTI Resource Link" content item
    type, and its ``lineItem``).

    Args:
        rt: The tool instance.
        value: The chosen option (``page:<docname>`` or ``assignment:<id>``).
        groups: The offered options (:func:`options`).

    Raises:
        PageError: code ``deep_link`` (400) when ``value`` is none of the offered options.
    """
    for group in groups:
        for option in group["options"]:
            if option["value"] != value:
                continue
            kind, target = value.split(":", 1)
            module = group["module"]
            item = {
                "type": "ltiResourceLink",
                "url": rt.config.url("/lti/launch"),
                "custom": link_parameters(kind, target),
            }
            if kind == "assignment":
                maximum = rt.grader.max_score(target)
                title = assignment_title(module)
                item["lineItem"] = {
                    "scoreMaximum": maximum,
                    "label": title,
                    "resourceId": target,
                    "tag": "denchi",
                }
            else:
                title = f"{module.title_ja}（{option['label'].split('：')[0]}）"
            return item | {"title": title, "text": module.title_en}
    raise PageError("deep_link", "選べない項目です。", f"Unknown item {value!r}.", status=400)


def settings(row: DeepLinkRequest) -> dict:
    """The platform's deep-linking settings of a kept request (LTI Deep Linking 2.0, the
    ``deep_linking_settings`` claim; ``accept_types`` default ``ltiResourceLink``).

    Args:
        row: The kept request (its claims).

    Raises:
        PageError: code ``deep_link`` (400) when the request accepts no resource link (the
            only kind of item this tool returns), naming what it accepts.
    """
    claim = row.claims[lti.DL_SETTINGS]
    accepted = claim.get("accept_types", ["ltiResourceLink"])
    if "ltiResourceLink" not in accepted:
        raise PageError(
            "deep_link",
            "LMS がこの場所にはリンク（ltiResourceLink）を受け付けていません"
            f"（受け付けるもの: {', '.join(map(str, accepted))}）。LMS で「外部ツール」の"
            "活動として追加してください。",
            f"The LMS accepts no resource link here (only {accepted}); add the tool as an"
            " external tool activity.",
            status=400,
        )
    return claim


def response(rt: Runtime, row: DeepLinkRequest, values: list[str]) -> tuple[str, str]:
    """The signed LtiDeepLinkingResponse for the chosen ``values`` and where to post it
    (``deep_link_return_url``); the kept request is used up. Only the first item goes back
    where the platform accepts one (``accept_multiple``), and items carry a line item only
    where it accepts them (``accept_lineitem``) (LTI Deep Linking 2.0, "Deep linking
    response message").

    Args:
        rt: The tool instance.
        row: The kept request.
        values: The chosen options (:func:`content_item`).

    Raises:
        PageError: code ``deep_link`` (400) for a request that accepts no resource link or
            a value that is not offered; code ``signing_key`` (500) when the tool's signing
            key is unreadable (the request is kept, so the choice can be made again once the
            operator has made a new key).
    """
    claim = settings(row)
    groups = options(rt)
    items = [content_item(rt, value, groups) for value in values]
    if not claim.get("accept_multiple", True):
        items = items[:1]
    if claim.get("accept_lineitem", True) is False:
        items = [{k: v for k, v in item.items() if k != "lineItem"} for item in items]
    with rt.db.session() as s:
        ref = platform_ref(s.get_one(Platform, row.platform_id))
        claims = lti.deep_linking_response(ref, row.claims, items, new_token(16), int(time.time()))
        try:
            signed = rt.keys.sign(claims)
        except ValueError as exc:
            raise PageError(
                "signing_key",
                "ツールの署名鍵が読めないため、LMS に返せませんでした。管理者に「denchi lms"
                " rotate-keys で新しい鍵を作ってください」と伝え、そのあとでもう一度選んで"
                "ください。",
                "The tool's signing key cannot be read, so nothing could be sent back to the LMS;"
                " ask the administrator to make a new key with `denchi lms rotate-keys`, then"
                " choose again.",
                status=500,
            ) from exc
        s.delete(s.get(DeepLinkRequest, row.id))
    return claim["deep_link_return_url"], signed
