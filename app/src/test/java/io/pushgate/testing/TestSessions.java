package io.pushgate.testing;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipSession;

/** In-memory SIP and application sessions: attributes, validity, and the settings steps make on them. */
final class TestSessions {
    final Map<String, Object> applicationAttributes = new HashMap<>();
    final Map<String, Object> sessionAttributes = new HashMap<>();
    boolean applicationValid = true;
    boolean sessionValid = true;
    boolean invalidateWhenReady;
    int applicationExpiresMinutes = -1;

    final SipApplicationSession application = (SipApplicationSession) Proxy.newProxyInstance(
            TestSessions.class.getClassLoader(), new Class<?>[] {SipApplicationSession.class}, (p, m, args) -> switch (m.getName()) {
                case "getAttribute" -> applicationAttributes.get((String) args[0]);
                case "setAttribute" -> applicationAttributes.put((String) args[0], args[1]);
                case "removeAttribute" -> applicationAttributes.remove((String) args[0]);
                case "getAttributeNames" -> Collections.enumeration(applicationAttributes.keySet());
                case "isValid" -> applicationValid;
                case "invalidate" -> { applicationValid = false; yield null; }
                case "setInvalidateWhenReady" -> { invalidateWhenReady = (Boolean) args[0]; yield null; }
                case "setExpires" -> { applicationExpiresMinutes = (Integer) args[0]; yield 1; }
                case "getId" -> "test-application-session";
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == args[0];
                case "toString" -> "TestApplicationSession";
                default -> throw new UnsupportedOperationException("SipApplicationSession." + m.getName() + " in a unit test");
            });

    final SipSession session = (SipSession) Proxy.newProxyInstance(
            TestSessions.class.getClassLoader(), new Class<?>[] {SipSession.class}, (p, m, args) -> switch (m.getName()) {
                case "getAttribute" -> sessionAttributes.get((String) args[0]);
                case "setAttribute" -> sessionAttributes.put((String) args[0], args[1]);
                case "removeAttribute" -> sessionAttributes.remove((String) args[0]);
                case "isValid" -> sessionValid;
                case "invalidate" -> { sessionValid = false; yield null; }
                case "setInvalidateWhenReady" -> { invalidateWhenReady = (Boolean) args[0]; yield null; }
                case "getApplicationSession" -> application;
                case "getId" -> "test-session";
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == args[0];
                case "toString" -> "TestSession";
                default -> throw new UnsupportedOperationException("SipSession." + m.getName() + " in a unit test");
            });
}
