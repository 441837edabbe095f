"""A real systemd, booted as PID 1 of a systemd-nspawn container over a
throw-away overlay of the host's root, with ollama.service installed exactly
as Ollama's installer writes it and a stand-in `ollama serve`.

With NETCFG_SANDBOX_ROOT set to another release's root (tests/release/
makes a Debian 13 one), the overlay lies on that root instead: its systemd,
firewalls, proxies, Docker and clients, the same tool binary.

Used by the integration tests and by scripts/demo. Needs root and
systemd-nspawn; nothing it does touches the host's own files.
"""
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# What install.sh writes, on every install and update (PATH is the installing
# shell's; this is Debian's default root PATH).
OLLAMA_UNIT = """[Unit]
Description=Ollama Service
After=network-online.target

[Service]
ExecStart=/usr/local/bin/ollama serve
User=ollama
Group=ollama
Restart=always
RestartSec=3
Environment="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

[Install]
WantedBy=default.target
"""

# Units the host image enables that a test container does not need.
MASKED = [
    "postgresql.service", "e2scrub_reap.service", "systemd-timesyncd.service",
    "systemd-pstore.service", "apt-daily.timer", "apt-daily-upgrade.timer",
    "dpkg-db-backup.timer", "e2scrub_all.timer", "fstrim.timer", "man-db.timer",
    "getty@tty1.service", "console-getty.service", "systemd-networkd-wait-online.service",
    "systemd-resolved.service", "systemd-networkd.service", "cron.service", "ssh.service",
    "docker.service", "docker.socket", "containerd.service", "systemd-logind.service",
    "nginx.service", "caddy.service", "tinyproxy.service",
    "nagios-nrpe-server.service", "nftables.service", "ufw.service", "firewalld.service",
]

BINARY_IN_CONTAINER = "/opt/netcfg/ollama-netcfg"


class MissingPrerequisite(Exception):
    pass


def prerequisites():
    """Why the sandbox cannot run here, or None."""
    if os.geteuid() != 0:
        return "integration tests need root (they boot systemd-nspawn)"
    for tool in ("systemd-nspawn", "nsenter", "unshare"):
        if shutil.which(tool) is None:
            return "%s is not installed (run scripts/install-deps)" % tool
    return None


class Sandbox:
    def __init__(self, binary, name="netcfg-test", docker=False):
        self.binary = os.path.abspath(binary)
        # The stand-in `ollama`, built with Go next to the tool
        # (tests/fixtures/ollama-standin).
        self.standin = os.path.join(os.path.dirname(self.binary), "ollama-standin")
        self.name = name
        # Docker inside: a cgroup2 hierarchy in the container, no seccomp
        # filter from nspawn (runc's keyring calls), the vfs storage driver.
        self.docker = docker
        self.tmp = None
        self.root = None
        self.proc = None
        self.leader = None
        self.log_path = None
        self.lower = os.environ.get("NETCFG_SANDBOX_ROOT") or "/"

    # --- lifecycle ---------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=60):
        why = prerequisites()
        if why:
            raise MissingPrerequisite(why)
        if not os.path.exists(self.standin):
            raise MissingPrerequisite("the stand-in ollama was not built at %s (scripts/build "
                                      "builds it with Go)" % self.standin)
        self.tmp = tempfile.mkdtemp(prefix="netcfg-sandbox-", dir="/var/tmp")
        for d in ("u", "w", "root"):
            os.mkdir(os.path.join(self.tmp, d))
        self.root = os.path.join(self.tmp, "root")
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=%s,upperdir=%s/u,workdir=%s/w" % (self.lower, self.tmp, self.tmp),
                        self.root], check=True)
        self._prepare_tree()
        self.log_path = os.path.join(self.tmp, "console.log")
        self._boot(timeout)

    def reboot(self, timeout=60):
        """As a machine reboots: the container's systemd stops every unit in
        order and exits, and the same root boots again; /run and the
        network's runtime state (addresses, veths, namespaces) start empty."""
        self.run(["systemctl", "reboot"], check=False)
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError("the container did not shut down in %ss:\n%s"
                               % (timeout, self.console()))
        # systemd-nspawn exits with 133 when the container asked to reboot.
        if status != 133:
            raise RuntimeError("systemd-nspawn exited %d, not 133 (reboot):\n%s"
                               % (status, self.console()))
        self.leader = None
        self._boot(timeout)

    def _boot(self, timeout):
        log = open(self.log_path, "ab")
        bindir = os.path.dirname(self.binary)
        self.proc = subprocess.Popen(
            ["timeout", "1800", "systemd-nspawn", "-q", "-D", self.root,
             "-M", self.name, "--register=no", "--keep-unit", "--link-journal=no",
             "--private-network", "--bind-ro=%s:/opt/netcfg" % bindir, "-b",
             "--console=pipe"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, env=self._nspawn_env())
        log.close()
        try:
            self._wait_for_boot(timeout)
        except BaseException:
            self.stop()
            raise

    def release(self):
        """The booted userland's PRETTY_NAME, to say which release a result is from."""
        try:
            with open(os.path.join(self.lower, "etc/os-release")) as f:
                for line in f:
                    if line.startswith("PRETTY_NAME="):
                        return line.split("=", 1)[1].strip().strip('"')
        except OSError:
            pass
        return "unknown release"

    def _nspawn_env(self):
        env = dict(os.environ)
        if self.docker:
            env["SYSTEMD_NSPAWN_UNIFIED_HIERARCHY"] = "1"
            env["SYSTEMD_SECCOMP"] = "0"
        return env

    def _prepare_tree(self):
        r = self.root
        with open(os.path.join(r, "etc/systemd/system/ollama.service"), "w") as f:
            f.write(OLLAMA_UNIT)
        os.makedirs(os.path.join(r, "usr/local/bin"), exist_ok=True)
        shutil.copy(self.standin, os.path.join(r, "usr/local/bin/ollama"))
        os.chmod(os.path.join(r, "usr/local/bin/ollama"), 0o755)
        subprocess.run(["chroot", r, "useradd", "-r", "-s", "/bin/false", "-U", "-m", "-d",
                        "/usr/share/ollama", "ollama"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wants = os.path.join(r, "etc/systemd/system/default.target.wants")
        os.makedirs(wants, exist_ok=True)
        os.symlink("/etc/systemd/system/ollama.service", os.path.join(wants, "ollama.service"))
        masked = MASKED
        if self.docker:
            masked = [u for u in MASKED
                      if u not in ("docker.service", "docker.socket", "containerd.service")]
            os.makedirs(os.path.join(r, "etc/docker"), exist_ok=True)
            with open(os.path.join(r, "etc/docker/daemon.json"), "w") as f:
                f.write('{"storage-driver": "vfs"}\n')
            for wants_dir in ("multi-user.target.wants", "sockets.target.wants"):
                for unit in ("docker.service", "containerd.service", "docker.socket"):
                    link = os.path.join(r, "etc/systemd/system", wants_dir, unit)
                    if os.path.lexists(link):
                        os.unlink(link)  # started by the test that needs it
        for unit in masked:
            link = os.path.join(r, "etc/systemd/system", unit)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink("/dev/null", link)
        with open(os.path.join(r, "etc/machine-id"), "w"):
            pass

    def _wait_for_boot(self, timeout):
        deadline = time.monotonic() + timeout
        delay = 0.02
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("systemd-nspawn exited early:\n" + self.console())
            # nspawn forks a short-lived helper before the container's init,
            # so look again until the child is systemd itself.
            self.leader = self._find_leader()
            if self.leader is not None:
                r = self.run(["systemctl", "is-system-running"], check=False)
                if r.stdout.strip() in ("running", "degraded"):
                    self.run(["ip", "link", "set", "lo", "up"], check=False)
                    return
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
        raise RuntimeError("the container did not finish booting in %ss:\n%s"
                           % (timeout, self.console()))

    def _find_leader(self):
        # Popen runs `timeout`; its child is nspawn, whose child is the
        # container's PID 1.
        def children(pid):
            r = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
            return [int(x) for x in r.stdout.split()]
        for nspawn in children(self.proc.pid):
            for kid in children(nspawn):
                try:
                    with open("/proc/%d/comm" % kid) as f:
                        if f.read().strip() == "systemd":
                            return kid
                except OSError:
                    pass
        return None

    def console(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        # Killing the container's PID 1 ends its whole PID namespace at once;
        # nspawn then exits by itself. A throw-away container needs no
        # orderly shutdown.
        if self.leader is None and self.proc is not None:
            self.leader = self._find_leader()
        if self.leader is not None:
            try:
                os.kill(self.leader, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        if self.root and os.path.ismount(self.root):
            subprocess.run(["umount", "-l", self.root], check=False)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.proc = self.leader = self.tmp = self.root = None

    # --- running things inside --------------------------------------------

    def run(self, cmd, check=True, input=None, timeout=120, env=None):
        full = ["nsenter", "-t", str(self.leader), "-a"]
        if env:
            full += ["env"] + ["%s=%s" % kv for kv in env.items()]
        full += list(cmd)
        r = subprocess.run(full, input=input, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                                 % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
        return r

    def tool(self, *args, **kw):
        kw.setdefault("check", False)
        r = self.run([BINARY_IN_CONTAINER] + list(args), **kw)
        # A sanitizer build (tests/release/sanitizers.sh): any report fails
        # the case, whatever the exit status the case expected.
        if os.environ.get("NETCFG_SANITIZED") == "1" and (
                "Sanitizer" in r.stderr or "runtime error:" in r.stderr):
            raise AssertionError("sanitizer report from ollama-netcfg %s:\n%s"
                                 % (" ".join(args), r.stderr))
        return r

    def sh(self, script, check=True):
        return self.run(["sh", "-c", script], check=check)

    @contextlib.contextmanager
    def slow_pid1(self, percent):
        """The container's systemd, and what it starts meanwhile, limited to
        `percent` of one CPU (a CFS quota on a cgroup of their own), as on a
        slow or crowded machine; they get their old cgroup back after. Needs the cpu controller (cgroup v1's cpu
        hierarchy or v2's cpu.max)."""
        v1 = "/sys/fs/cgroup/cpu"
        if os.path.exists(v1 + "/cpu.cfs_quota_us"):
            was = [l.split(":", 2)[2] for l in open("/proc/%d/cgroup" % self.leader)
                   if l.split(":")[1] in ("cpu", "cpu,cpuacct", "cpuacct,cpu")][0].strip()
            group, back = "%s/%s-slow" % (v1, self.name), v1 + was + "/cgroup.procs"
            os.makedirs(group, exist_ok=True)
            with open(group + "/cpu.cfs_quota_us", "w") as f:
                f.write(str(1000 * percent))  # of the default 100 ms period
            procs = group + "/cgroup.procs"
        elif "cpu" in open("/sys/fs/cgroup/cgroup.controllers").read().split():
            with open("/sys/fs/cgroup/cgroup.subtree_control", "w") as f:
                f.write("+cpu")
            path = open("/proc/%d/cgroup" % self.leader).read().split("::", 1)[1].strip()
            group, back = "/sys/fs/cgroup/%s-slow" % self.name, "/sys/fs/cgroup%s/cgroup.procs" % path
            os.makedirs(group, exist_ok=True)
            with open(group + "/cpu.max", "w") as f:
                f.write("%d 100000" % (1000 * percent))
            procs = group + "/cgroup.procs"
        else:
            raise MissingPrerequisite("no cgroup cpu controller to slow PID 1 down with")
        with open(procs, "w") as f:
            f.write(str(self.leader))
        try:
            yield
        finally:
            # With what it started meanwhile (a restarted service), which
            # was put in its cgroup too.
            for pid in open(procs).read().split():
                try:
                    with open(back, "w") as f:
                        f.write(pid)
                except ProcessLookupError:
                    pass
            os.rmdir(group)

    def read(self, path):
        r = self.run(["cat", path], check=False)
        return r.stdout if r.returncode == 0 else None

    def write(self, path, content):
        self.run(["mkdir", "-p", os.path.dirname(path)])
        self.run(["sh", "-c", 'cat > "$1"', "sh", path], input=content)

    def show(self, unit, prop):
        return self.run(["systemctl", "show", "-P", prop, unit]).stdout.strip()

    def wait_until(self, predicate, timeout=20, what="condition"):
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            if predicate():
                return
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for " + what)
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
