-- Without lua_unsafe: no io, os, debug, require, load, dofile.
function match(res)
  local seen = {}
  for _, name in ipairs({"io", "os", "debug", "require", "load", "dofile", "loadfile", "package"}) do
    seen[#seen + 1] = name .. "=" .. type(_G[name])
  end
  return res.status == 200, { env = table.concat(seen, ",") }
end
