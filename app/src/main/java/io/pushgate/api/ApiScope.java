package io.pushgate.api;

import java.util.Locale;

/** What a key may do; each scope includes the ones before it. */
public enum ApiScope {
    /** Read accounts, devices, registrations. */
    READ,
    /** Create and change accounts, aliases and links (a sign-up site, a CRM). */
    PROVISION,
    /** Everything, deletions and remote registrations included. */
    ADMIN;

    public String token() { return name().toLowerCase(Locale.ROOT); }

    public boolean allows(ApiScope needed) { return ordinal() >= needed.ordinal(); }

    public static ApiScope of(String token) {
        for (ApiScope s : values()) if (s.token().equalsIgnoreCase(token)) return s;
        throw new IllegalArgumentException("scope is read, provision or admin, not " + token);
    }
}
