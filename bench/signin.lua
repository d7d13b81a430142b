-- signin.lua — wrk posts the bench user's credentials to the sign-in API.
-- Each request is a whole sign-in: throttle check, one argon2id verify, a
-- new session row.  The BENCH line comes from report.lua's done().
dofile(os.getenv("PT_BENCH_REPORT_LUA"))   -- its done() prints the BENCH line
local email = os.getenv("PT_BENCH_EMAIL")
local password = os.getenv("PT_BENCH_PASSWORD")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"' .. email .. '","password":"' .. password .. '"}'
