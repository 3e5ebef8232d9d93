<?php
// MiroTalk SFU REST API client in the style of the upstream PHP examples (curl). Calls stats, meetings, meeting,
// join and token and prints one line per call. Environment: MIROTALK_URL (base), API_KEY_SECRET.

$API_KEY_SECRET = getenv("API_KEY_SECRET") ?: "mirotalksfu_default_secret";
$MIROTALK_URL = (getenv("MIROTALK_URL") ?: "https://127.0.0.1:3010") . "/api/v1";

function mirotalk_call($path, $method, $data = null) {
    global $API_KEY_SECRET, $MIROTALK_URL;
    $ch = curl_init();
    curl_setopt($ch, CURLOPT_URL, $MIROTALK_URL . $path);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    // The test server's certificate is self-signed.
    curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
    curl_setopt($ch, CURLOPT_SSL_VERIFYHOST, 0);
    if ($method == "GET") {
        curl_setopt($ch, CURLOPT_HTTPGET, true);
    } else {
        curl_setopt($ch, CURLOPT_POST, 1);
    }
    $headers = [
        'authorization:' . $API_KEY_SECRET,
        'Content-Type: application/json'
    ];
    curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    if ($data !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($data));
    }
    $response = curl_exec($ch);
    $httpcode = curl_getinfo($ch, CURLINFO_HTTP_CODE);
    curl_close($ch);
    echo substr($path, 1) . " status: $httpcode\n";
    return $response;
}

$response = mirotalk_call("/stats", "GET");
echo "stats: ", json_encode(json_decode($response)), "\n";

$response = mirotalk_call("/meetings", "GET");
echo "meetings: ", json_encode(json_decode($response)), "\n";

$data = json_decode(mirotalk_call("/meeting", "POST"));
echo "meeting: ", $data->{'meeting'}, "\n";

$data = json_decode(mirotalk_call("/join", "POST", array(
    "room"          => "test",
    "roomPassword"  => false,
    "name"          => "mirotalksfu",
    "audio"         => true,
    "video"         => true,
    "screen"        => false,
    "hide"          => false,
    "notify"        => true,
    "duration"      => "unlimited",
    "token"         => array(
        "username"      => "username",
        "password"      => "password",
        "presenter"     => true,
        "expire"        => "1h",
    ),
)));
echo "join: ", $data->{'join'}, "\n";

$data = json_decode(mirotalk_call("/token", "POST", array(
    "username"      => "username",
    "password"      => "password",
    "presenter"     => true,
    "expire"        => "1h",
)));
echo "token: ", $data->{'token'}, "\n";
