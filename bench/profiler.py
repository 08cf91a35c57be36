"""CPU profiles of a running server with async-profiler (from Maven Central, tools.profiler:async-profiler),
loaded into the JVM with jcmd, and a summary that answers the stop rule of docs/benchmarks.md: how
much of the CPU is Pushgate's own code (with what it calls), and how much the container's, the
SIP stack's, the database's and the JVM's."""
import collections, os, subprocess, zipfile

VERSION = "3.0"
JAR = os.path.expanduser(f"~/.m2/repository/tools/profiler/async-profiler/{VERSION}/async-profiler-{VERSION}.jar")

# a sample is charged to the part of the Java frame nearest its leaf that is not the JDK's (kernel
# time under a send, or a HashMap look-up, to whoever called it); samples with no Java frame to
# the JVM's own threads
PARTS = (("pushgate", ("io/pushgate", "io.pushgate")), ("SIP stack (jain-sip)", ("gov/nist", "gov.nist", "javax/sip", "javax.sip")),
         ("container (MSS, Tomcat)", ("org/mobicents", "org.mobicents", "org/apache", "org.apache")),
         ("database (H2, Hibernate, pool, PostgreSQL driver)", ("org/h2", "org.h2", "org/hibernate", "org.hibernate", "com/zaxxer", "com.zaxxer",
                                                               "org/postgresql", "org.postgresql")),
         ("Java library", ("java/", "java.", "jdk/", "jdk.", "sun/", "sun.")))
JVM_THREADS = (("GC", ("G1", "GC_", "gc_", "ZThread", "ZDriver", "GCTask")), ("JIT compiler", ("C2Compiler", "C1Compiler", "CompileBroker", "Compile::")))


def _java(frame):
    return ("/" in frame or "." in frame) and not frame.endswith("_[k]") and not frame.startswith("[")


def _part(frames):
    jdk = None
    for frame in reversed(frames):
        if _java(frame):
            part = next((name for name, prefixes in PARTS if frame.startswith(prefixes)), "other Java")
            if part != "Java library":
                return part  # JDK code is charged to whoever called it
            jdk = part
    if jdk:
        return jdk
    return next((name for name, marks in JVM_THREADS if any(m in f for f in frames for m in marks)), "JVM and kernel, no Java frame")


def _library(work):
    if not os.path.exists(JAR):
        subprocess.run(["mvn", "-q", "dependency:get", f"-Dartifact=tools.profiler:async-profiler:{VERSION}"], check=True)
    path = os.path.join(work, "libasyncProfiler.so")
    if not os.path.exists(path):
        with zipfile.ZipFile(JAR) as z, open(path, "wb") as out:
            out.write(z.read("linux-x64/libasyncProfiler.so"))
    return path


def _agent(pid, lib, options):
    # quoted: jcmd would take "event=cpu" for an option of its own command
    r = subprocess.run(["jcmd", str(pid), "JVMTI.agent_load", lib, f'"{options}"'], capture_output=True, text=True)
    if r.returncode != 0 or "return code: 0" not in r.stdout:
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
    """Lines: CPU per part (by the Java frame nearest each sample's leaf), the share spent parking
    and waking threads, then Pushgate's own methods by inclusive share (with what they call): the
    figures the stop rule compares with 5%."""
    parts, inclusive, total, handoffs = collections.Counter(), collections.Counter(), 0, 0
    with open(collapsed_path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            parts[_part(frames)] += n
            if any(fr.endswith(("Unsafe.park", "Unsafe.unpark")) for fr in frames):
                handoffs += n
            for m in {fr for fr in frames if fr.startswith(("io/pushgate", "io.pushgate"))}:
                inclusive[m] += n
    if not total:
        return ["no samples"]
    lines = [f"samples {total}; CPU by part (the nearest Java frame outside the JDK):"]
    lines += [f"  {100.0 * n / total:5.1f}%  {g}" for g, n in parts.most_common()]
    lines.append(f"  of all: {100.0 * handoffs / total:.1f}% parking and waking threads")
    lines.append("Pushgate's methods, with what they call (inclusive):")
    lines += [f"  {100.0 * n / total:5.1f}%  {m.replace('/', '.')}" for m, n in inclusive.most_common(top)]
    return lines
