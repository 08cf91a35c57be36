package io.pushgate.testing;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.URI;

/** Stands in for the container's proxy: records where a request was forked and with which settings. */
public final class RecordingProxy {
    /** One branch: its Request-URI and the request it would send (with the routes pushed onto it). */
    public record Branch(String uri, TestRequest request) {
        /** The Route headers the branch would carry, top first. */
        public List<String> routes() {
            List<String> r = new ArrayList<>();
            for (var it = request.getHeaders("Route"); it.hasNext(); ) r.add(it.next());
            return r;
        }
    }

    private final TestRequest original;
    private final List<Branch> branches = new ArrayList<>();
    private final Map<String, Object> settings = new HashMap<>();
    private boolean started;
    final javax.servlet.sip.Proxy proxy;

    RecordingProxy(TestRequest original) {
        this.original = original;
        this.proxy = (javax.servlet.sip.Proxy) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.servlet.sip.Proxy.class}, (p, m, args) -> switch (m.getName()) {
                    case "createProxyBranches" -> {
                        List<ProxyBranch> out = new ArrayList<>();
                        for (Object u : (List<?>) args[0]) out.add(branch((URI) u));
                        yield out;
                    }
                    case "proxyTo" -> {
                        if (args[0] instanceof List<?> l) for (Object u : l) branch((URI) u);
                        else branch((URI) args[0]);
                        started = true;
                        yield null;
                    }
                    case "startProxy" -> { started = true; yield null; }
                    case "getProxyBranches" -> branches.stream().map(b -> proxyBranch(b)).toList();
                    case "getOriginalRequest" -> original;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> "RecordingProxy" + branches;
                    default -> {
                        if (m.getName().startsWith("set") && args != null && args.length == 1) {
                            settings.put(m.getName().substring(3), args[0]);
                            yield null;
                        }
                        if (m.getName().startsWith("get") || m.getName().startsWith("is")) {
                            String key = m.getName().substring(m.getName().startsWith("get") ? 3 : 2);
                            yield settings.get(key);
                        }
                        throw new UnsupportedOperationException("Proxy." + m.getName() + " in a unit test");
                    }
                });
    }

    private ProxyBranch branch(URI uri) {
        TestRequest copy = original.copy();
        copy.setRequestURI(uri);
        Branch b = new Branch(uri.toString(), copy);
        branches.add(b);
        return proxyBranch(b);
    }

    private ProxyBranch proxyBranch(Branch b) {
        return (ProxyBranch) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ProxyBranch.class}, (p, m, args) -> switch (m.getName()) {
            case "getRequest" -> (SipServletRequest) b.request();
            case "isStarted" -> started;
            case "getProxy" -> proxy;
            case "cancel" -> null;
            case "hashCode" -> System.identityHashCode(b);
            case "equals" -> p == args[0];
            case "toString" -> "Branch " + b.uri();
            default -> throw new UnsupportedOperationException("ProxyBranch." + m.getName() + " in a unit test");
        });
    }

    /** The branches in the order they were created. */
    public List<Branch> branches() { return branches; }

    public List<String> targets() { return branches.stream().map(Branch::uri).toList(); }

    public boolean started() { return started; }

    /** A setting the step made, by its setter's name without "set" (RecordRoute, Supervised, AddToPath, ...). */
    public Object setting(String name) { return settings.get(name); }
}
