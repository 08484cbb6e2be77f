package io.jobline.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sealed-mode admission (the air gap). When sealed, a job whose declared egress is not entirely
 * covered by the allowlist is never scheduled.
 *
 * <p>Entries are compared as {@code host:port}: {@code https://host} means {@code host:443},
 * {@code http://host} means {@code host:80}, a path is ignored, hosts are case-insensitive. An
 * allowlist entry {@code *.example.com:443} covers every subdomain of example.com on port 443.
 *
 * <p>An entry is exactly {@code [http[s]://][*.]host[:port][/path?query#fragment]}, host an ASCII
 * DNS name, an IPv4 address or a bracketed IPv6 one ({@link #problem}); user info, a backslash
 * or a space are refused. The host ends where a path, query or fragment begins, as in every URL
 * parser: {@code https://evil.com?.mirror.local} ends like a subdomain of mirror.local, but it is
 * evil.com.
 */
public final class EgressPolicy {

    public static final EgressPolicy OPEN = new EgressPolicy(false, List.of());

    private static final String LABEL = "[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?";
    /** ASCII only, letters in either case: {@code (?i)} without Unicode case, so no K-sign is a k. */
    private static final Pattern ENTRY = Pattern.compile(
            "(?:https?://)?"
                    + "(?:(?:\\*\\.)?" + LABEL + "(?:\\." + LABEL + ")*" // a DNS name or IPv4, maybe a wildcard
                    + "|\\[[0-9a-f:.]+\\])" // a bracketed IPv6 address
                    + "(?::(?<port>[0-9]{1,5}))?"
                    + "(?:[/?#][!-~]*)?", // a path, query or fragment, which is ignored
            Pattern.CASE_INSENSITIVE);

    private final boolean sealed;
    private final List<String> allowlist;
    private final Admission admission;

    public EgressPolicy(boolean sealed, List<String> allowlist) {
        TreeSet<String> normalized = new TreeSet<>();
        for (String entry : allowlist) {
            normalized.add(normalize(entry));
        }
        this.sealed = sealed;
        this.allowlist = List.copyOf(normalized);
        this.admission = sealed ? new Admission(true, digest(this.allowlist)) : Admission.OPEN;
    }

    public boolean sealed() {
        return sealed;
    }

    /** The normalized, sorted allowlist. */
    public List<String> allowlist() {
        return allowlist;
    }

    /** The policy as recorded on every job admitted under it. */
    public Admission admission() {
        return admission;
    }

    /** The declared egress entries this policy does not allow; empty when the job is admitted. */
    public List<String> blocked(List<String> egress) {
        if (!sealed || egress == null || egress.isEmpty()) {
            return List.of();
        }
        List<String> blocked = new ArrayList<>();
        for (String entry : egress) {
            if (problem(entry) != null || !covered(normalize(entry))) { // commands are checked; this is belt and braces
                blocked.add(entry);
            }
        }
        return blocked;
    }

    private boolean covered(String target) {
        for (String allowed : allowlist) {
            if (allowed.equals(target)) {
                return true;
            }
            if (allowed.startsWith("*.")) {
                String suffix = allowed.substring(1); // ".example.com:443"
                if (target.endsWith(suffix) && target.length() > suffix.length()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Why {@code entry} is not an egress entry, or null when it is one: {@code host:port},
     * {@code http[s]://host[:port][/path]}, either with a {@code *.} before the host.
     */
    public static String problem(String entry) {
        Matcher matcher = ENTRY.matcher(entry);
        if (!matcher.matches()) {
            return "'" + entry + "' is not host:port or http(s)://host[:port][/path]"
                    + " (the host an ASCII DNS name or an IP address; no user info, backslash or space)";
        }
        String port = matcher.group("port");
        if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535)) {
            return "'" + entry + "' has port " + port + ", not 1 to 65535";
        }
        return null;
    }

    /** {@code https://Host/x} → {@code host:443}; {@code host:port} stays as it is, lower-cased. */
    static String normalize(String entry) {
        String value = entry.trim().toLowerCase(Locale.ROOT);
        String defaultPort = null;
        if (value.startsWith("https://")) {
            value = value.substring("https://".length());
            defaultPort = "443";
        } else if (value.startsWith("http://")) {
            value = value.substring("http://".length());
            defaultPort = "80";
        }
        // The host ends where a path, a query or a fragment begins: https://evil.com?.mirror.local
        // is evil.com, as every URL parser reads it.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                value = value.substring(0, i);
                break;
            }
        }
        boolean hasPort = value.lastIndexOf(':') > value.lastIndexOf(']');
        return hasPort || defaultPort == null ? value : value + ":" + defaultPort;
    }

    private static String digest(List<String> normalizedAllowlist) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha256.digest(String.join("\n", normalizedAllowlist).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
