"""Cold start of the certdesk window to its interactive worker list, under Xvfb.

Starts the release binary with CERTDESK_STARTUP_BENCH=1 (it signs in and reports
`certdesk-ready ms=...` when the worker list has rendered), reads the resident memory of the
app and its WebKit child processes at that moment, and prints the median and worst of 7 runs.
With a third argument, the smallest WebKitGTK program (scripts/webkit_floor.c, built by
scripts/bench) runs as many times under the same display, and its resident memory is printed
beside the app's: the floor no WebKitGTK window on this machine goes under.
"""
import os, subprocess, sys, time, statistics, shutil

app, data_dir = sys.argv[1], sys.argv[2]
floor = sys.argv[3] if len(sys.argv) > 3 else None
runs = int(os.environ.get("RUNS", "7"))

def tree_rss_kb(pid):
    """Resident memory of pid and all its descendants, in KiB."""
    children = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(p))
        except OSError:
            pass
    total, todo = 0, [pid]
    main = None
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        total += kb
                        if p == pid:
                            main = kb
        except OSError:
            pass
        todo.extend(children.get(p, []))
    return main or 0, total

xvfb = None
env = dict(os.environ, CERTDESK_STARTUP_BENCH="1", CERTDESK_USER="bench", CERTDESK_PASSWORD="bench-password",
           CERTDESK_DATA_DIR=data_dir)
if not env.get("DISPLAY"):
    xvfb = subprocess.Popen(["Xvfb", ":97", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env["DISPLAY"] = ":97"
    time.sleep(1)
wall, inner, rss_main, rss_total = [], [], [], []
try:
    for i in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen([app], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = ""
        for line in p.stdout:
            if line.startswith("certdesk-ready"):
                break
        t1 = time.monotonic()
        if not line.startswith("certdesk-ready"):
            print("the app exited without reporting ready", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.3)
        m, t = tree_rss_kb(p.pid)
        p.wait(timeout=10)
        wall.append((t1 - t0) * 1000)
        inner.append(float(line.split("ms=")[1]))
        rss_main.append(m / 1024)
        rss_total.append(t / 1024)
    floor_rss = []
    for i in range(runs if floor else 0):
        said = subprocess.run([floor], env=env, capture_output=True, text=True, timeout=60).stdout
        floor_rss.append(int(said.split()[1]) / 1024)
finally:
    if xvfb:
        xvfb.terminate()
print(f"start to interactive worker list (wall, from exec): median {statistics.median(wall):.0f} ms, worst {max(wall):.0f} ms (n={runs})")
print(f"  as measured inside the app:                      median {statistics.median(inner):.0f} ms, worst {max(inner):.0f} ms")
print(f"resident memory after start: app {statistics.median(rss_main):.0f} MiB, app + WebKit processes {statistics.median(rss_total):.0f} MiB")
if floor_rss:
    print(f"the smallest WebKitGTK window (scripts/webkit_floor.c) on this machine: {statistics.median(floor_rss):.0f} MiB resident")
