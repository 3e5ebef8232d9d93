#!/bin/bash
# MiroTalk SFU REST API client in the style of the upstream Bash examples (curl). Calls stats, meetings, meeting,
# join and token; prints "<name>: <response body>" per call. Environment: MIROTALK_URL (base), API_KEY_SECRET.
set -euo pipefail

API_KEY_SECRET="${API_KEY_SECRET:-mirotalksfu_default_secret}"
MIROTALK_URL="${MIROTALK_URL:-https://127.0.0.1:3010}/api/v1"

call() {
    local name="$1" method="$2" data="${3:-}"
    local args=(--silent --show-error --insecure
        --header "authorization: $API_KEY_SECRET"
        --header "Content-Type: application/json"
        --request "$method")
    if [ -n "$data" ]; then args+=(--data "$data"); fi
    echo "$name: $(curl "${args[@]}" "$MIROTALK_URL/$name")"
}

call stats GET
call meetings GET
call meeting POST
call join POST '{"room":"test","roomPassword":"false","name":"mirotalksfu","audio":"true","video":"true","screen":"false","hide":"false","notify":"true","duration":"unlimited","token":{"username":"username","password":"password","presenter":"true", "expire":"1h"}}'
call token POST '{"username":"username","password":"password","presenter":"true", "expire":"1h"}'
