"""CPU profiles of a running server with async-profiler (from Maven Central, tools.profiler:async-profiler),
loaded into the JVM with jcmd, and a summary that answers the stop rule of docs/benchmarks.md: how
much of the CPU is Pushgate's own code (with what it calls), and how much the container's, the
SIP stack's, the database's and the JVM's."""
import collections, os, subprocess, zipfile

VERSION = "3.0"
JAR = os.path.expanduser(f"~/.m2/repository/tools/profiler/async-profiler/{VERSION}/async-profiler-{VERSION}.jar")

# self time is charged to the first group whose prefix its leaf frame has
GROUPS = (("pushgate", ("io/pushgate", "io.pushgate")), ("SIP stack (jain-sip)", ("gov/nist", "gov.nist", "javax/sip", "javax.sip")),
          ("container (MSS, Tomcat)", ("org/mobicents", "org.mobicents", "org/apache", "org.apache")),
          ("database (H2, Hibernate, pool)", ("org/h2", "org.h2", "org/hibernate", "org.hibernate", "com/zaxxer", "com.zaxxer")),
          ("Java library", ("java/", "java.", "jdk/", "jdk.", "sun/", "sun.")),
          ("GC", ("G1", "GC_", "gc_", "ZThread", "ZDriver")), ("JIT compiler", ("C2Compiler", "C1Compiler", "CompileBroker", "Compile::")))


def _library(work):
    if not os.path.exists(JAR):
        subprocess.run(["mvn", "-q", "dependency:get", f"-Dartifact=tools.profiler:async-profiler:{VERSION}"], check=True)
    path = os.path.join(work, "libasyncProfiler.so")
    if not os.path.exists(path):
        with zipfile.ZipFile(JAR) as z, open(path, "wb") as out:
            out.write(z.read("linux-x64/libasyncProfiler.so"))
    return path


def _agent(pid, lib, options):
    r = subprocess.run(["jcmd", str(pid), "JVMTI.agent_load", lib, options], capture_output=True, text=True)
    if r.returncode != 0 or "error" in (r.stdout + r.stderr).lower():
        raise RuntimeError(f"async-profiler {options}: {r.stdout.strip()} {r.stderr.strip()}")


def start(pid, work):
    """Starts CPU sampling in the JVM pid (every 5 ms of CPU); returns what stop() needs."""
    lib = _library(work)
    try:
        _agent(pid, lib, "start,event=cpu,interval=5ms")
    except RuntimeError:
        _agent(pid, lib, "start,event=itimer,interval=5ms")  # no perf events here
    return pid, lib


def stop(handle, out_path):
    """Stops sampling and writes the collapsed stacks (one line per stack: frames;...;frames count)."""
    pid, lib = handle
    _agent(pid, lib, f"stop,file={out_path},collapsed")
    return out_path


def summary(collapsed_path, top=12):
    """Lines: self time per group, then Pushgate's own methods by inclusive share (with what they
    call), the figure the stop rule compares with 5%."""
    self_time, inclusive, total = collections.Counter(), collections.Counter(), 0
    with open(collapsed_path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            leaf = frames[-1]
            group = next((g for g, prefixes in GROUPS if leaf.startswith(prefixes)), "other (native, kernel, unnamed)")
            self_time[group] += n
            for m in {fr for fr in frames if fr.startswith(("io/pushgate", "io.pushgate"))}:
                inclusive[m] += n
    if not total:
        return ["no samples"]
    lines = [f"samples {total}; self time by part:"]
    lines += [f"  {100.0 * n / total:5.1f}%  {g}" for g, n in self_time.most_common()]
    lines.append("Pushgate's methods, with what they call (inclusive):")
    lines += [f"  {100.0 * n / total:5.1f}%  {m.replace('/', '.')}" for m, n in inclusive.most_common(top)]
    return lines
