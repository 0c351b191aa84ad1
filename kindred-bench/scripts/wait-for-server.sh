# Sourced by the serving benchmark scripts (not run on its own).
# wait_for_server ERR_FILE PID NAME TRIES PAUSE: polls ERR_FILE, where `kindred serve --port 0` prints
# "... on http://HOST:PORT", until GET /readyz answers; sets `port`. Exits 1 with the server's stderr
# if the server dies or is not ready after TRIES polls PAUSE seconds apart.
wait_for_server() {
  local err="$1" pid="$2" name="$3" tries="$4" pause="$5"
  port=""
  for _ in $(seq 1 "$tries"); do
    port="$(sed -n 's#.* on http://[^:]*:\([0-9][0-9]*\).*#\1#p' "$err" | head -1 || true)"
    [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; echo "$name: the server exited" >&2; exit 1; }
    sleep "$pause"
  done
  cat "$err" >&2
  echo "$name: the server did not become ready" >&2
  exit 1
}
