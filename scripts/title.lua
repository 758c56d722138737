-- title.lua: every page that answers, with its title, server and size, as
-- jsonl fields. A quick inventory of what lives under a domain.
--
--   salvo -p scripts/title.lua -u 'http://{}.example.com' -f jsonl -w words.txt

description = "title, server and size of every page that answers"

function match(res)
  if res.status == 0 then return false end
  return true, {
    title = salvo.title(res.text) or "",
    server = res.headers["server"] or "",
    type = res.headers["content-type"] or "",
    size = res.length,
  }
end
