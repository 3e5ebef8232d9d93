"""spec/room-ws.asyncapi.yaml rejects a server message with a field removed or added (the positive side — every frame
the server sent in the run validates — is checked on receipt by roomws.client and at the end of test_room_ws.py)."""
import pytest

from roomws.schema import RoomSpec


def test_asyncapi_schemas_reject_a_removed_or_added_field():
    spec = RoomSpec()
    participant = {"user_id": "a", "name": "A", "role": "participant", "presenter": False, "audio": False,
                   "video": False, "screen": False, "hand": False, "chat_muted": False, "os": "", "browser": "",
                   "joined_at_ms": 1}
    samples = [
        {"event": "userjoin", "data": participant},
        {"event": "msg", "data": {"seq": 1, "from": "a", "name": "A", "text": "t", "to": None}},
        {"event": "error", "data": {"code": "x", "reason": "y"}, "reply_to": 3},
        {"event": "control", "data": {"action": "kick", "user_id": "a", "by": "user:b"}},
        {"event": "userleave", "data": {"user_id": "a", "reason": "left", "by": None}},
    ]
    for sample in samples:
        assert spec.is_valid_server_message(sample), sample
        for field in list(sample["data"]):
            reduced = {**sample, "data": {k: v for k, v in sample["data"].items() if k != field}}
            assert not spec.is_valid_server_message(reduced), ("removed", field, sample["event"])
        added = {**sample, "data": {**sample["data"], "surprise": 1}}
        assert not spec.is_valid_server_message(added), ("added", sample["event"])
        assert not spec.is_valid_server_message({**sample, "extra": True}), ("envelope", sample["event"])
    spec.check_client_message({"action": "chat", "id": 1, "text": "hi"})
    with pytest.raises(Exception):
        spec.check_client_message({"action": "chat", "id": 1, "text": "hi", "colour": "red"})
