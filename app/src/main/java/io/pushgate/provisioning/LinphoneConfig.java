package io.pushgate.provisioning;

/**
 * An account as Linphone's remote provisioning reads it (its lpconfig XML): the identity, the
 * proxy with its transport, the realm, and the HA1 with its algorithm. Never the clear password.
 */
public final class LinphoneConfig {
    private LinphoneConfig() {}

    /**
     * @param identity  sip:user@domain
     * @param proxy     the SIP URI the phone registers at, transport included
     * @param ha1       the account's HA1 for {@code algorithm}
     */
    public static String xml(String username, String identity, String proxy, String realm, String domain, String ha1, String algorithm,
                             int expires) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <config xmlns="http://www.linphone.org/xsds/lpconfig.xsd">
                  <section name="sip">
                    <entry name="default_proxy">0</entry>
                  </section>
                  <section name="proxy_0">
                    <entry name="reg_proxy">%s</entry>
                    <entry name="reg_route">%s</entry>
                    <entry name="reg_identity">%s</entry>
                    <entry name="realm">%s</entry>
                    <entry name="reg_expires">%d</entry>
                    <entry name="reg_sendregister">1</entry>
                    <entry name="publish">0</entry>
                  </section>
                  <section name="auth_info_0">
                    <entry name="username">%s</entry>
                    <entry name="userid">%s</entry>
                    <entry name="ha1">%s</entry>
                    <entry name="realm">%s</entry>
                    <entry name="domain">%s</entry>
                    <entry name="algorithm">%s</entry>
                  </section>
                </config>
                """.formatted(x("<" + proxy + ">"), x("<" + proxy + ";lr>"), x("<" + identity + ">"), x(realm), expires, x(username), x(username),
                x(ha1), x(realm), x(domain), x(algorithm));
    }

    private static String x(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
