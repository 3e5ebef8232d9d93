# MiroTalk SFU REST API client in the style of the upstream Python examples (requests). Calls stats, meetings,
# meeting, join and token and prints one line per call. Environment: MIROTALK_URL (base), API_KEY_SECRET.
import json
import os

import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the test server's certificate is self-signed

API_KEY_SECRET = os.environ.get("API_KEY_SECRET", "mirotalksfu_default_secret")
MIROTALK_URL = os.environ.get("MIROTALK_URL", "https://127.0.0.1:3010") + "/api/v1"

headers = {
    "authorization": API_KEY_SECRET,
    "Content-Type": "application/json",
}

response = requests.get(MIROTALK_URL + "/stats", headers=headers, verify=False)
print("stats status:", response.status_code)
if response.status_code == 200:
    print("stats:", json.dumps(response.json(), separators=(",", ":")))
else:
    print("Failed to retrieve data. Error:", response.text)

response = requests.get(MIROTALK_URL + "/meetings", headers=headers, verify=False)
print("meetings status:", response.status_code)
if response.status_code == 200:
    print("meetings:", json.dumps(response.json(), separators=(",", ":")))
else:
    print("Failed to retrieve data. Error:", response.text)

response = requests.post(MIROTALK_URL + "/meeting", headers=headers, verify=False)
print("meeting status:", response.status_code)
data = json.loads(response.text)
print("meeting:", data["meeting"])

data = {
    "room": "test",
    "roomPassword": "false",
    "name": "mirotalksfu",
    "audio": "true",
    "video": "true",
    "screen": "false",
    "hide": "false",
    "notify": "true",
    "duration": "unlimited",
    "token": {
        "username": "username",
        "password": "password",
        "presenter": "true",
        "expire": "1h",
    },
}
response = requests.post(MIROTALK_URL + "/join", headers=headers, json=data, verify=False)
print("join status:", response.status_code)
data = json.loads(response.text)
print("join:", data["join"])

data = {
    "username": "username",
    "password": "password",
    "presenter": "true",
    "expire": "1h",
}
response = requests.post(MIROTALK_URL + "/token", headers=headers, json=data, verify=False)
print("token status:", response.status_code)
data = json.loads(response.text)
print("token:", data["token"])
