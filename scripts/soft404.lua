-- soft404.lua: a soft-404 detector for any site, no marker text needed.
-- init() fetches nothing itself: the first responses teach it. It keeps a
-- fingerprint of the site's "not found" page (status, title, and the
-- length of the text with the word removed, in buckets), learned from the words
-- given with -a probe=WORD (a word that surely does not exist, default
-- "zz-salvo-no-such-name"): put that word first in the list, and let it be
-- judged first: -j 1 -t 1 (one worker, one transfer at a time), since with
-- more in flight responses are judged in the order they arrive.
-- Every page whose fingerprint differs is a hit.
--
--   (echo zz-salvo-no-such-name; cat words.txt) |
--     salvo -p scripts/soft404.lua -u 'http://{}.example.com' -j 1 -t 1 -w -

description = "pages that differ from the site's soft-404, learned from a probe word"

local probe = "zz-salvo-no-such-name"
local known = nil

function init(args)
  probe = args.probe or probe
end

local function fingerprint(res)
  -- The soft-404 often echoes the word: remove it before measuring.
  local text = res.text:gsub(res.word:gsub("%p", "%%%0"), "")
  return res.status .. ":" .. (salvo.title(text) or "") .. ":" .. (#text // 16)
end

function match(res)
  if res.status == 0 then return false end
  if res.word == probe then
    known = fingerprint(res)
    salvo.log("soft-404 fingerprint: " .. known)
    return false
  end
  if known == nil then return res.status == 200 end
  local fp = fingerprint(res)
  return fp ~= known, { fingerprint = fp }
end
