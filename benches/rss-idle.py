import socket, subprocess, sys, time, resource
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1])
for name, port in [("velocy", 19101), ("axum", 19102), ("hyper", 19103), ("actix", 19104)]:
    proc = subprocess.Popen([f"target/release/{name}-server", str(port), "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    base = rss(proc.pid)
    socks = []
    for i in range(8000):
        s = socket.create_connection(("127.0.0.1", port)); socks.append(s)
    # one request on each of the first connections so they are real keep-alive connections
    for s in socks:
        s.sendall(b"GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n")
    for s in socks:
        s.recv(4096)
    time.sleep(1.0)
    after = rss(proc.pid)
    print(f"{name}: RSS idle {base} KiB, with 8000 idle keep-alive connections {after} KiB, per connection {(after-base)/8000:.2f} KiB")
    for s in socks: s.close()
    proc.kill(); proc.wait()
