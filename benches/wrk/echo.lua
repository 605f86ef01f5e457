-- POST /echo with a small JSON document; each server parses it into serde_json::Value and sends it back.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"message":"Hello, World!","id":12345,"tags":["a","b"],"nested":{"ok":true,"n":1.5}}'
