-- init() gets the [plugin] keys; it can refuse them.
local want
function init(args)
  if not args.want then return false, "give -a want=STATUS" end
  want = tonumber(args.want)
end
function match(res) return res.status == want end
