"""Validates room WebSocket frames against spec/room-ws.asyncapi.yaml (AsyncAPI 3) with jsonschema."""
import json
import os

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPEC_PATH = os.path.join(ROOT, "spec", "room-ws.asyncapi.yaml")


class RoomSpec:
    """Server and client message validators, keyed by event/action name, built from the channel's operations."""

    def __init__(self, path=SPEC_PATH):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        components = self.doc["components"]
        self.server = {}
        self.client = {}
        for operation, table, key in (("sendServerEvents", self.server, "event"),
                                      ("receiveClientActions", self.client, "action")):
            for ref in self.doc["operations"][operation]["messages"]:
                message_key = ref["$ref"].rsplit("/", 1)[-1]
                message = components["messages"][message_key]
                if message["contentType"] != "application/json":
                    continue
                name = message["payload"]["properties"][key]["const"]
                # The whole document is the root, so the payload's "#/components/..." references resolve.
                schema = {"components": components, "$ref": f"#/components/messages/{message_key}/payload"}
                table[name] = jsonschema.Draft202012Validator(schema)

    def check_server_frame(self, frame):
        """Raises jsonschema.ValidationError (or KeyError for an undocumented event) unless the frame is valid."""
        if frame == "pong":
            return
        message = json.loads(frame) if isinstance(frame, str) else frame
        validator = self.server[message["event"]]
        validator.validate(message)

    def is_valid_server_message(self, message):
        try:
            self.check_server_frame(message)
            return True
        except (jsonschema.ValidationError, KeyError):
            return False

    def check_client_message(self, message):
        self.client[message["action"]].validate(message)
