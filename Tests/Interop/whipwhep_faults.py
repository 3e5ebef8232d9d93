"""Faults for parley-conform's whip and whep profiles, injected by conform_faults.FaultProxy in front of a real
parley-server: each is one bug a WHIP/WHEP server can have (200 instead of 201, no Location, an ETag on a trickle
204, a DELETE acknowledged while the session keeps sending, ...). Same shape as conform_faults.FAULTS: the hooks,
the cases run against the fault (`cases`, globs), the cases that must turn red (`red`) and those that may (`also`)."""
import re

from conform_faults import bearer

ENDPOINTS = ("/webrtc/whip/", "/webrtc/whep/")
SESSION = "/webrtc/session/"


def endpoint(req, *, publish=None):
    path = req["path"]
    if publish is True:
        return path.startswith("/webrtc/whip/")
    if publish is False:
        return path.startswith("/webrtc/whep/")
    return path.startswith(ENDPOINTS)


def header(message, name):
    return next((v for k, v in message["headers"] if k.lower() == name), None)


def without(message, name):
    message["headers"] = [(k, v) for k, v in message["headers"] if k.lower() != name]


def both(*slugs):
    """The whip and whep ids of cases written once for both profiles."""
    out = []
    for slug in slugs:
        section, name = slug.split("/")
        out += [f"whip/rfc9725-{section}/{name}", f"whep/draft02-{section}/{name}"]
    return out


def on_created(change):
    """Changes a 201 to a WHIP/WHEP POST."""
    def hook(req, resp):
        if req["method"] == "POST" and endpoint(req) and resp["status"] == 201:
            change(req, resp)
    return hook


def strip_location(req, resp):
    without(resp, "location")


def body_sub(pattern, replacement, publish=None):
    def change(req, resp):
        if endpoint(req, publish=publish):
            resp["raw"] = re.sub(pattern, replacement, resp["raw"].decode()).encode()
    return change


def add_header(name, value):
    def change(req, resp):
        resp["headers"].append((name, value))
    return change


def etag_on_trickle(req, resp):
    if req["method"] == "PATCH" and resp["status"] == 204:
        resp["headers"].append(("ETag", '"conform-trickle"'))


def precondition_ignored(req, resp):
    if req["method"] == "PATCH" and resp["status"] in (412, 428):
        resp["status"], resp["raw"] = 204, b""
        without(resp, "content-type")


def patch_any_type(req):
    """A PATCH of any media type is taken as trickle."""
    if req["method"] == "PATCH" and "trickle-ice-sdpfrag" not in (header(req, "content-type") or ""):
        return {"status": 204, "headers": [], "raw": b""}
    return None


def restart_without_etag(req, resp):
    if req["method"] == "PATCH" and resp["status"] == 200:
        without(resp, "etag")


def delete_acknowledged(req):
    """DELETE answered 200 without reaching the server: the session lives on and keeps sending."""
    if req["method"] == "DELETE" and req["path"].startswith(SESSION):
        return {"status": 200, "headers": [], "raw": b""}
    return None


def get_with_body(req, resp):
    if req["method"] == "GET" and req["path"].startswith(ENDPOINTS + (SESSION,)):
        resp["status"], resp["raw"] = 200, b"session alive\n"
        resp["headers"] = [("Content-Type", "text/plain")]


def no_accept_post(req, resp):
    if req["method"] == "OPTIONS":
        without(resp, "accept-post")


def preflight_needs_auth(req):
    if req["method"] == "OPTIONS" and endpoint(req) and header(req, "authorization") is None:
        return {"status": 401, "headers": [("WWW-Authenticate", "Bearer")], "raw": b"missing token\n"}
    return None


def content_type_ignored(req):
    if req["method"] == "POST" and endpoint(req):
        without(req, "content-type")
        req["headers"].append(("Content-Type", "application/sdp"))


def status_map(mapping, method="POST"):
    def hook(req, resp):
        if req["method"] == method and endpoint(req) and resp["status"] in mapping:
            resp["status"] = mapping[resp["status"]]
    return hook


def unsupported_without_reason(req, resp):
    if req["method"] == "POST" and endpoint(req) and resp["status"] == 422:
        resp["raw"] = b""


def valid_bearer_for_any(req):
    """Any Bearer token is let in: the proxy swaps an unknown one for a valid JWT."""
    value = header(req, "authorization") or ""
    if endpoint(req) and value.startswith("Bearer conform.invalid"):
        without(req, "authorization")
        req["headers"].append(("Authorization", "Bearer " + bearer()))


def bearer_dropped(req):
    """The Authorization header never reaches the WHIP/WHEP handler."""
    if req["method"] == "POST" and endpoint(req):
        without(req, "authorization")


def redirect(status, publish=None):
    """The redirect cases' WHIP (or WHEP) offers are sent on to Parley's Monibuca v5 aliases (/webrtc/push|play/…)
    with `status`; other cases' offers (their stream paths are conform/<slug>-…) are left alone."""
    def hook(req):
        if req["method"] == "POST" and endpoint(req, publish=publish) and "/conform/redirect-" in req["path"]:
            target = req["path"].replace("/webrtc/whip/", "/webrtc/push/").replace("/webrtc/whep/", "/webrtc/play/")
            return {"status": status, "headers": [("Location", target)], "raw": b""}
        return None
    return hook


def no_retry_after(req, resp):
    if endpoint(req) and resp["status"] == 503:
        without(resp, "retry-after")


def combine(*hooks):
    def hook(req, resp):
        for h in hooks:
            h(req, resp)
    return hook


BUGS = {
    "created-answered-200": dict(
        response=status_map({201: 200}),
        cases=both("4.2/created-location-sdp"), red=both("4.2/created-location-sdp")),
    "no-location": dict(
        response=on_created(strip_location),
        cases=both("4.2/created-location-sdp", "4.1/get-no-content", "4.2/delete-200-then-404"),
        red=both("4.2/created-location-sdp", "4.1/get-no-content", "4.2/delete-200-then-404")),
    "get-with-body": dict(
        response=get_with_body, cases=both("4.1/get-no-content"), red=both("4.1/get-no-content")),
    "no-accept-post": dict(
        response=no_accept_post, cases=both("4.2/options-accept-post", "4.2/cors-preflight-without-auth"),
        red=both("4.2/options-accept-post")),
    "preflight-needs-auth": dict(
        request=preflight_needs_auth, cases=both("4.2/cors-preflight-without-auth", "4.2/options-accept-post"),
        red=both("4.2/cors-preflight-without-auth")),
    "content-type-ignored": dict(
        request=lambda req: content_type_ignored(req),
        cases=both("4.2/wrong-content-type-4xx"), red=both("4.2/wrong-content-type-4xx")),
    "malformed-as-500": dict(
        response=status_map({400: 500}), cases=both("4.2/malformed-sdp-4xx"), red=both("4.2/malformed-sdp-4xx")),
    "answer-sendrecv": dict(
        response=on_created(body_sub(r"a=(recvonly|sendonly)", "a=sendrecv")),
        cases=["whip/rfc9725-4.2/answer-recvonly", "whep/draft02-4.2/answer-sendonly"],
        red=["whip/rfc9725-4.2/answer-recvonly", "whep/draft02-4.2/answer-sendonly"]),
    "no-rtcp-mux": dict(
        response=on_created(body_sub(r"a=rtcp-mux(-only)?\r\n", "")),
        cases=both("4.4/bundle-rtcp-mux-only"), red=both("4.4/bundle-rtcp-mux-only")),
    "unsupported-without-reason": dict(
        response=unsupported_without_reason,
        cases=both("4.4/unsupported-offer-4xx-reason"), red=both("4.4/unsupported-offer-4xx-reason")),
    "etag-on-trickle-204": dict(
        response=etag_on_trickle, cases=both("4.3.2/trickle-204-no-etag", "4.3.1/patch-wrong-etag-412"),
        red=both("4.3.2/trickle-204-no-etag")),
    "precondition-ignored": dict(
        response=precondition_ignored,
        cases=both("4.3.1/patch-without-if-match-428", "4.3.1/patch-wrong-etag-412", "4.3.2/trickle-204-no-etag"),
        red=both("4.3.1/patch-without-if-match-428", "4.3.1/patch-wrong-etag-412")),
    "patch-any-type": dict(
        request=patch_any_type, cases=both("4.3.1/patch-wrong-type-4xx"), red=both("4.3.1/patch-wrong-type-4xx")),
    "restart-without-etag": dict(
        response=restart_without_etag, cases=both("4.3.3/ice-restart-200-new-etag", "4.3.2/trickle-204-no-etag"),
        red=both("4.3.3/ice-restart-200-new-etag")),
    "delete-acknowledged-not-done": dict(
        request=delete_acknowledged,
        cases=both("4.2/delete-200-then-404", "4.2/delete-stops-media"),
        red=both("4.2/delete-200-then-404", "4.2/delete-stops-media")),
    "auth-refusal-as-500": dict(
        response=status_map({401: 500, 403: 500}),
        cases=both("4.7/bearer-required", "4.7/bearer-checked", "4.7/bearer-accepted"),
        red=both("4.7/bearer-required", "4.7/bearer-checked")),
    "any-bearer-accepted": dict(
        request=lambda req: valid_bearer_for_any(req),
        cases=both("4.7/bearer-checked", "4.7/bearer-required", "4.7/bearer-accepted"),
        red=both("4.7/bearer-checked")),
    "bearer-dropped": dict(
        request=lambda req: bearer_dropped(req),
        cases=both("4.7/bearer-accepted", "4.7/bearer-required"), red=both("4.7/bearer-accepted")),
    "link-not-ice": dict(
        response=on_created(add_header("Link", '<https://conform.invalid/ice>; rel="ice-server"')),
        cases=both("4.6/link-ice-server"), red=both("4.6/link-ice-server")),
    "redirect-307": dict(
        request=redirect(307), cases=both("4.5/redirect-307-followed", "4.2/created-location-sdp"), red=[]),
    # One side at a time: a WHEP case's publisher (a WHIP offer on the same path) must still get its 201.
    "redirect-302-whip": dict(
        request=redirect(302, publish=True), cases=["whip/rfc9725-4.5/redirect-307-followed"],
        red=["whip/rfc9725-4.5/redirect-307-followed"]),
    "redirect-302-whep": dict(
        request=redirect(302, publish=False), cases=["whep/draft02-4.5/redirect-307-followed"],
        red=["whep/draft02-4.5/redirect-307-followed"]),
    "overload-without-retry-after": dict(
        response=no_retry_after, cases=both("4.5/overload-503-retry-after"),
        red=both("4.5/overload-503-retry-after")),
    # The player is told a port nobody listens on: it never connects, so no media reaches it.
    "player-candidate-unreachable": dict(
        response=on_created(body_sub(r"(a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1) \d+", r"\1 9", publish=False)),
        cases=both("4.2/opus-arrives-decodable", "4.2/vp8-arrives", "4.2/delete-stops-media"),
        red=both("4.2/opus-arrives-decodable", "4.2/vp8-arrives", "4.2/delete-stops-media")),
}


def bundle(*names):
    """A server with several of the bugs above at once: one proxy and one runner process for all of them (starting
    parley-conform costs more than the cases). Bugs are bundled only where each hook leaves the other bugs' cases
    alone, so every red case is still red for its own bug."""
    bugs = [BUGS[n] for n in names]
    requests = [b["request"] for b in bugs if "request" in b]
    responses = [b["response"] for b in bugs if "response" in b]

    def request(req):
        for hook in requests:
            answer = hook(req)
            if answer is not None:
                return answer
        return None

    def response(req, resp):
        for hook in responses:
            hook(req, resp)

    spec = dict(cases=sorted({c for b in bugs for c in b["cases"]}), red=sorted({c for b in bugs for c in b["red"]}),
                also=sorted({c for b in bugs for c in b.get("also", ())}), bugs=names)
    if requests:
        spec["request"] = request
    if responses:
        spec["response"] = response
    return spec


FAULTS = {
    "http-basics": bundle("get-with-body", "no-accept-post", "malformed-as-500", "content-type-ignored",
                          "link-not-ice", "unsupported-without-reason", "redirect-302-whip"),
    "patch": bundle("etag-on-trickle-204", "precondition-ignored", "patch-any-type", "restart-without-etag",
                    "redirect-302-whep"),
    "created-answered-200": bundle("created-answered-200"),
    "no-location": bundle("no-location"),
    "answers-and-overload": bundle("answer-sendrecv", "no-rtcp-mux", "preflight-needs-auth",
                                   "overload-without-retry-after"),
    "auth": bundle("auth-refusal-as-500", "bearer-dropped"),
    "any-bearer-and-307": bundle("any-bearer-accepted", "redirect-307"),
    "delete-acknowledged-not-done": bundle("delete-acknowledged-not-done"),
    "player-candidate-unreachable": bundle("player-candidate-unreachable"),
}
