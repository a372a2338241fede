package io.portcullis.engine.detect;

import java.util.List;

/**
 * Path traversal and local file inclusion: {@code ../} sequences in any spelling a file API will
 * still follow (URL-encoded once or more, overlong UTF-8, backslashes, {@code ....//} that survives
 * a one-pass strip, Tomcat's {@code ..;/}), the files attackers go for, and the stream wrappers
 * that read them.
 */
public final class PathTraversalDetector implements Detector {

    public static final String FAMILY = "PATH_TRAVERSAL";

    private static final List<String> TARGETS = List.of("etc/passwd", "etc/shadow", "etc/hosts", "etc/group",
            "etc/issue", "etc/hostname", "etc/crontab", "etc/sudoers", "etc/ssh/", "etc/mysql", "etc/nginx", "etc/apache2",
            "etc/httpd", "etc/resolv.conf", "etc/profile", "etc/environment", "proc/self/", "proc/version", "proc/1/",
            "proc/net/", "proc/cpuinfo", "windows/win.ini", "win.ini", "boot.ini", "system32/", "windows/system.ini",
            "system.ini", "web-inf/", "meta-inf/", ".htaccess", ".htpasswd", ".ssh/", "id_rsa", "id_dsa", "id_ed25519",
            "authorized_keys", ".bash_history", ".bashrc", ".git/", ".svn/", ".aws/credentials", ".docker/config",
            "var/log/", "var/run/secrets", "root/", "inetpub/", "boot/grub", "wp-config.php", "application.properties",
            "application.yml", "appsettings.json", "web.config", "database.yml", "config/database", ".env", "etc/",
            "windows/repair/", "sam", "ntds.dit", "php.ini", "my.cnf", "/tmp/", "var/www/", "usr/local/", "home/");
    private static final List<String> WRAPPERS = List.of("file:/", "php://", "phar://", "zip://", "expect://", "glob://",
            "jar:file:", "netdoc:", "data://", "zlib://", "compress.zlib://", "ogg://", "rar://", "ssh2.");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        List<String> triggers = new java.util.ArrayList<>(List.of("..", "\u2215", "\u2044", "\uff0e", "\uff0f",
                "etc\\", "windows\\", "\u0000"));
        triggers.addAll(TARGETS);
        triggers.addAll(WRAPPERS);
        return triggers;
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        String raw = normalized(forms.get(0));
        String decoded = normalized(Decoding.urlDecoded(forms.get(0)));
        int score = 0;
        String evidence = "";
        int traversals = traversals(decoded);
        boolean encoded = traversals > traversals(raw);
        // /etc/./passwd and /etc//passwd name /etc/passwd
        String collapsed = collapsed(decoded);
        String target = target(collapsed);
        if (traversals > 0) {
            boolean leading = decoded.startsWith("../") || decoded.startsWith("/../") || decoded.contains("..;/")
                    || decoded.startsWith("....//");
            score = traversals >= 2 || target != null || encoded || leading ? 100 : 60;
            evidence = (encoded ? "encoded " : "") + "directory traversal" + (target == null ? "" : " to " + target);
        } else if (target != null && absolute(collapsed, target)) {
            score = 100;
            evidence = "absolute path to " + target;
        } else if (systemDirectory(collapsed) != null) {
            score = 100;
            evidence = "absolute path into " + systemDirectory(collapsed);
        } else if (target != null && !target.equals("etc/") && !target.equals("/tmp/") && !target.equals("home/")
                && !target.equals("root/") && !target.equals("usr/local/") && !target.equals("var/www/")
                && !target.equals("sam") && !target.equals(".env")) {
            score = 40;
            evidence = "sensitive file " + target;
        }
        for (String wrapper : WRAPPERS) {
            if (decoded.startsWith(wrapper) || decoded.contains("=" + wrapper) && !wrapper.equals("file:/")) {
                score = 100;
                evidence = "stream wrapper " + wrapper.replace("/", "");
                break;
            }
        }
        if (score > 0 && decoded.indexOf('\u0000') >= 0) {
            score = 100;
            evidence += " with a NUL byte";
        }
        if (score > 0) {
            signals.report(score, score >= 60 ? 1 : 2, evidence);
        }
    }

    /** Lower case, backslashes as slashes, look-alike dots and slashes folded: Windows and lenient servers read them all. */
    private static String normalized(String value) {
        return Decoding.folded(value).replace('\\', '/').replace('\u2215', '/').replace('\u2044', '/')
                .replace('\u29f8', '/').replace('\u29f9', '/').replace('\u2216', '/');
    }

    /** Dot-dot segments: at the start, after a slash or equals, and the strip-resistant {@code ....//}. */
    private static String collapsed(String v) {
        if (v.indexOf("/./") < 0 && v.indexOf("//", v.indexOf("://") + 3) < 0) {
            return v;
        }
        String out = v;
        for (int round = 0; round < 4 && out.contains("/./"); round++) {
            out = out.replace("/./", "/");
        }
        int scheme = out.indexOf("://");
        String head = scheme >= 0 ? out.substring(0, scheme + 3) : "";
        String rest = scheme >= 0 ? out.substring(scheme + 3) : out;
        while (rest.contains("//")) {
            rest = rest.replace("//", "/");
        }
        return head + rest;
    }

    /** A value that is itself a path into the system's own directories: /etc/..., /root/..., c:/windows/... */
    private static String systemDirectory(String v) {
        String trimmed = v.strip();
        for (String directory : new String[] {"/etc/", "/root/", "/proc/", "/sys/", "/boot/", "/var/log/", "/var/lib/",
                "/dev/", "c:/windows/", "c:/winnt/", "c:/boot.ini", "/private/etc/"}) {
            if (trimmed.startsWith(directory) && trimmed.length() > directory.length()) {
                return directory;
            }
        }
        return null;
    }

    private static int traversals(String v) {
        int count = 0;
        int i = v.indexOf("..");
        while (i >= 0) {
            int end = i;
            while (end < v.length() && v.charAt(end) == '.') {
                end++;
            }
            int dots = end - i;
            char before = i == 0 ? '/' : v.charAt(i - 1);
            char after = end < v.length() ? v.charAt(end) : 0;
            boolean boundary = before == '/' || before == '=' || before == ':' || Character.isWhitespace(before)
                    || before == '"' || before == '\'' || before == '\u0000';
            boolean segmentEnd = after == '/' || after == ';' && end + 1 < v.length() && v.charAt(end + 1) == '/'
                    || after == 0 && before == '/' && i > 0;
            if (boundary && segmentEnd && (dots == 2 || dots == 4 || dots == 3 && after == '/')) {
                count++;
            }
            i = v.indexOf("..", end);
        }
        return count;
    }

    private static String target(String v) {
        for (String target : TARGETS) {
            int at = v.indexOf(target);
            if (at >= 0 && (at == 0 || "/:.=".indexOf(v.charAt(at - 1)) >= 0 || target.startsWith("/")
                    || target.startsWith("."))) {
                if (target.equals("sam") && !v.contains("config/sam")) {
                    continue;
                }
                if (target.equals(".env") && !(v.endsWith(".env") || v.contains(".env/") || v.contains(".env%00"))) {
                    continue;
                }
                return target;
            }
        }
        return null;
    }

    /** The value is itself a path to the file: {@code /etc/passwd}, {@code c:/windows/win.ini}. */
    private static boolean absolute(String v, String target) {
        String trimmed = v.strip();
        if (target.equals("etc/") || target.equals("home/") || target.equals("usr/local/") || target.equals("var/www/")
                || target.equals("/tmp/") || target.equals("root/")) {
            return false;
        }
        return trimmed.startsWith("/" + target) || trimmed.startsWith(target) || trimmed.length() > 2
                && trimmed.charAt(1) == ':' && trimmed.startsWith("/", 2) || trimmed.startsWith("//" + target)
                || trimmed.startsWith("/") && trimmed.contains("/" + target);
    }
}
