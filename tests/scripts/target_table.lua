-- target() returning a table: URL, method, headers.
function target(word)
  if word == "str" then return "http://hit-str.baidu.com/" end
  if word == "nil" then return nil end
  return { url = "http://hdr-" .. word .. ".baidu.com/", method = "GET",
           headers = { ["X-Probe"] = "yes" } }
end
function match(res)
  return res.status == 200 and not res.text:find("不存在", 1, true)
end
