package io.pushgate.provisioning;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a new account's fields must look like; the API and the sign-up page answer the same way. */
public record AccountRules(int passwordMinLength) {
    private static final String NAME = "[A-Za-z0-9._~+-]{1,64}";
    static final String NAME_RULE = "1 to 64 of A-Z a-z 0-9 . _ ~ + -";

    /** Field name -> what is wrong with it; empty when the account may be made. */
    public Map<String, String> problems(String username, String password, String email, boolean emailRequired) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!validName(username)) problems.put("username", NAME_RULE);
        String weak = weakPassword(password, username);
        if (weak != null) problems.put("password", weak);
        if (email == null ? emailRequired : !validEmail(email)) problems.put("email", email == null ? "required" : "not an e-mail address");
        return problems;
    }

    public static boolean validName(String name) {
        return name != null && name.matches(NAME);
    }

    /** Null when the password is acceptable, else why not. */
    public String weakPassword(String password, String username) {
        if (password == null) return "required";
        if (password.length() < passwordMinLength) return "at least " + passwordMinLength + " characters";
        if (password.length() > 128) return "at most 128 characters";
        if (password.chars().distinct().count() < 4) return "too simple";
        if (username != null && password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) return "contains the user name";
        return null;
    }

    /** One address, no display name, nothing a mail header could be split on. */
    public static boolean validEmail(String email) {
        return email.length() <= 254 && email.matches("[^@\\s<>,;:\"()\\[\\]\\\\]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    }
}
