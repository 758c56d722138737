-- Every res field, reported back as jsonl fields so a test can check them.
function match(res)
  local f = {
    status = res.status, url = res.url, word = res.word, length = res.length,
    body_len = #res.body, text_len = #res.text, charset = res.charset,
    ip = res.ip, truncated = tostring(res.truncated), error = tostring(res.error),
    ctype = res.headers["Content-Type"], ctype_lower = res.headers["content-type"],
    missing = tostring(res.headers["x-nope"]), elapsed_ok = tostring(res.elapsed >= 0),
    title = salvo.title(res.text) or "",
  }
  return res.status ~= 0, f
end
