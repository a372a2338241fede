package io.portcullis.engine.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * OS command injection, found by reading the value as a shell would: split at command separators
 * and substitutions ({@code ; | || && & `...` $(...)} and newlines), undo the quoting and escaping
 * tricks that hide a command's name ({@code c'a't}, {@code c\at}, {@code w^hoami}, {@code $@},
 * {@code ${IFS}}), and look at the command each piece starts. A word such as "cat" after "&" is
 * prose unless what follows it reads like a command line.
 */
public final class CommandInjectionDetector implements Detector {

    public static final String FAMILY = "COMMAND_INJECTION";

    /** Commands no honest value names after a separator. */
    private static final Set<String> COMMANDS = Set.of("whoami", "uname", "ifconfig", "ipconfig", "wget", "curl", "nc", "ncat", "netcat", "bash", "sh", "zsh",
            "ksh", "csh", "tcsh", "dash", "busybox", "powershell", "pwsh", "cmd", "nslookup", "telnet", "python",
            "python2", "python3", "perl", "ruby", "php", "lua", "chmod", "chown", "mkfifo", "socat", "systeminfo",
            "tasklist", "certutil", "bitsadmin", "rundll32", "regsvr32", "mshta", "wscript", "cscript", "netstat",
            "passwd", "sudo", "crontab", "nohup", "xterm", "base64", "xxd", "openssl", "awk", "gawk", "sed", "dig",
            "traceroute", "tftp", "scp", "ssh", "rm", "chattr", "useradd", "usermod", "killall", "pkill", "reboot",
            "printenv", "hostname", "getent", "ping", "nmap", "tracert", "wmic", "reg", "schtasks", "sc", "net",
            "vssadmin", "iex", "invoke-expression", "invoke-webrequest", "start-process", "msiexec", "xargs",
            "timeout", "shutdown", "cat", "ls", "id", "sleep", "head", "tail", "tac", "nl", "od", "strings", "env",
            "uptime", "lsb_release", "hostnamectl", "ps", "kill", "mknod", "dd", "tar", "zip", "unzip", "gzip",
            "find", "grep", "egrep", "more", "less", "type", "dir", "echo", "set", "whois", "host", "wc", "touch",
            "cp", "mv", "ln", "java", "node", "nodejs", "gcc", "make", "apt", "apt-get", "yum", "pip", "npm", "exec",
            "eval", "source", "export", "cd", "pwd", "w", "who", "last", "date", "time", "df", "du", "mount", "file",
            "sort", "uniq", "cut", "tee", "rev", "print", "call", "start", "copy", "del", "erase", "ren", "move",
            "vi", "vim", "nano", "ed", "ex", "jjs", "jrunscript", "arp", "route", "iptables", "su", "chroot", "at",
            "printf", "bzip2", "xz", "lwp-download", "fetch", "aria2c", "tclsh", "expect", "gdb", "strace", "ltrace",
            "mail", "sendmail", "msfvenom", "whoami.exe", "wevtutil", "icacls", "takeown", "runas", "forfiles",
            "pcalua", "installutil", "regasm", "cmstp", "odbcconf");
    /** Of those, the ones that are also everyday words: named, they need a command line after them. */
    private static final Set<String> WORDS = Set.of("cat", "ls", "id", "sleep", "head", "tail", "env", "ps", "kill", "tar", "zip", "find", "grep", "more",
            "less", "type", "dir", "echo", "set", "whois", "host", "wc", "touch", "cp", "mv", "ln", "java", "node",
            "make", "apt", "pip", "npm", "exec", "eval", "source", "export", "cd", "pwd", "w", "who", "last", "date",
            "time", "df", "du", "mount", "file", "sort", "uniq", "cut", "tee", "rev", "print", "call", "start",
            "copy", "del", "erase", "ren", "move", "vi", "ed", "ex", "net", "sc", "reg", "dd", "nl", "od", "route",
            "at", "su", "timeout", "strings", "ping", "dig", "rm", "lua",
            "ruby", "python", "shutdown", "fetch", "expect", "mail");
    /** What follows Windows' {@code net}: the command is then no word of prose. */
    private static final Set<String> NET_SUBCOMMANDS = Set.of("user", "localgroup", "group", "share", "view", "use",
            "accounts", "session", "config");
    /** Tools developers name in help text; a value that starts with one is a command line quoted, not injected. */
    private static final Set<String> DEVELOPER_TOOLS = Set.of("git", "npm", "npx", "yarn", "pnpm", "mvn", "./mvnw",
            "gradle", "./gradlew", "docker", "kubectl", "helm", "pip", "pip3", "python", "python3", "node", "go",
            "cargo", "make", "brew", "conda", "terraform", "aws", "gcloud", "az", "dotnet", "java", "javac", "bundle",
            "rails", "composer", "find", "grep", "rg", "ls", "du", "ps", "cat", "tail", "journalctl", "systemctl",
            "curl", "wget", "jq", "mkdir", "cd", "export", "source", "echo");
    /** Options that make an innocent program run a command (argument injection). */
    private static final java.util.List<String> ARGUMENT_INJECTION = java.util.List.of("proxycommand=",
            "--checkpoint-action=exec", "--use-compress-program", "--upload-pack", "-oproxycommand", "localcommand=");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        List<String> triggers = new ArrayList<>(List.of(";", "|", "&", "`", "$(", "${", "$ifs", "() {", "\n", "\r", "<(", ">(",
                "/dev/tcp", "/dev/udp"));
        triggers.addAll(ARGUMENT_INJECTION);
        return triggers;
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        int best = 0;
        String evidence = "";
        for (String form : forms) {
            String v = form.toLowerCase(Locale.ROOT);
            if (v.contains("/dev/tcp/") || v.contains("/dev/udp/")) {
                signals.report(100, 1, "shell network redirection");
                return;
            }
            // Shellshock: a CGI environment variable that opens with a function definition ("function() {" is JavaScript)
            if (v.strip().startsWith("() {")) {
                signals.report(100, 1, "shell function definition (Shellshock)");
                return;
            }
            if (v.contains("$ifs") || v.contains("${ifs")) {
                signals.report(100, 1, "shell word splitting through IFS");
                return;
            }
            for (String option : ARGUMENT_INJECTION) {
                if (v.replace(" ", "").contains(option)) {
                    signals.report(100, 1, "option that runs a command");
                    return;
                }
            }
            List<String> opening = words(v);
            boolean quotedCommandLine = !opening.isEmpty() && DEVELOPER_TOOLS.contains(opening.get(0));
            // A user agent separates its comments with semicolons: "(compatible; Nmap Scripting Engine)"
            boolean semicolonsSeparate = !value.location().equals("header/user-agent");
            for (Piece piece : pieces(v, semicolonsSeparate)) {
                List<String> words = words(piece.text);
                if (words.isEmpty()) {
                    continue;
                }
                String command = commandName(words.get(0));
                if (!COMMANDS.contains(command)) {
                    if (piece.substitution && !command.isEmpty() && Character.isLetter(command.charAt(0)) && 30 > best) {
                        best = 30;
                        evidence = "command substitution";
                    }
                    continue;
                }
                boolean commandLine = (words.size() == 1 ? piece.ended : shellArgument(words.get(1))
                        || command.equals("net") && NET_SUBCOMMANDS.contains(words.get(1)))
                        || piece.text.indexOf('>') >= 0 || piece.text.indexOf('<') >= 0;
                int score = !WORDS.contains(command) || commandLine ? 100 : 30;
                if (quotedCommandLine && !piece.substitution) {
                    score = Math.min(score, 30);
                }
                if (score > best) {
                    best = score;
                    evidence = (piece.substitution ? "command substitution running " : "command chained: ") + command;
                }
            }
        }
        if (best > 0) {
            signals.report(best, best >= 60 ? 1 : 2, evidence);
        }
    }

    /**
     * @param ended        the piece is followed by a separator or the end of the value, nothing else
     * @param substitution it runs inside backticks or {@code $( )}
     */
    private record Piece(String text, boolean ended, boolean substitution) {
    }

    /** The text after each separator or substitution opener, up to the next one. */
    private static List<Piece> pieces(String v, boolean semicolonsSeparate) {
        List<Piece> pieces = new ArrayList<>();
        int i = 0;
        int n = v.length();
        while (i < n) {
            char c = v.charAt(i);
            int opener = 0;
            boolean substitution = false;
            if (c == ';' && semicolonsSeparate || c == '\n' || c == '\r' || c == '|' || c == '&') {
                opener = 1;
                while (i + opener < n && "|&;".indexOf(v.charAt(i + opener)) >= 0 && opener < 2) {
                    opener++;
                }
            } else if (c == '`') {
                opener = 1;
                substitution = true;
            } else if ((c == '$' || c == '<' || c == '>') && i + 1 < n && v.charAt(i + 1) == '(') {
                opener = v.startsWith("$((", i) ? 3 : 2;
                substitution = true;
            }
            if (opener == 0) {
                i++;
                continue;
            }
            int start = i + opener;
            int end = start;
            while (end < n && (semicolonsSeparate ? ";\n\r|&`" : "\n\r|&`").indexOf(v.charAt(end)) < 0
                    && !(v.charAt(end) == ')' && substitution)
                    && !v.startsWith("$(", end)) {
                end++;
            }
            String text = v.substring(start, end);
            pieces.add(new Piece(text, text.strip().indexOf(' ') < 0, substitution));
            i = end;
        }
        return pieces;
    }

    /** Shell words with the tricks that split a name undone: quotes, backslashes, carets, empty expansions. */
    private static List<String> words(String piece) {
        List<String> words = new ArrayList<>(2);
        StringBuilder word = new StringBuilder();
        int i = 0;
        while (i < piece.length() && words.size() < 2) {
            char c = piece.charAt(i);
            if (piece.startsWith("$@", i) || piece.startsWith("$*", i) || piece.startsWith("$()", i) || piece.startsWith("${}", i)) {
                i += piece.charAt(i + 1) == '(' || piece.charAt(i + 1) == '{' ? 3 : 2;
            } else if (c == '^' || c == '\\' || c == '\'' || c == '"') {
                i++; // quoting and escaping that splits a name without changing it
            } else if (c == '<' || c == '>') {
                end(word, words);
                if (words.size() < 2) {
                    words.add(String.valueOf(c));
                }
                i++;
            } else if (Character.isWhitespace(c) || c == '\u00a0' || c == '{' || c == '}' || c == ',' || c == '(' || c == ')') {
                end(word, words);
                i++;
            } else {
                word.append(c);
                i++;
            }
        }
        end(word, words);
        return words.size() > 2 ? words.subList(0, 2) : words;
    }

    private static void end(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** {@code /usr/bin/id} is id, {@code c:\windows\system32\cmd.exe} is cmd, {@code /???/c?t} is cat, {@code $0} a shell. */
    private static String commandName(String word) {
        if (word.equals("$0") || word.equals("${0}") || word.equals("$shell") || word.equals("${shell}")) {
            return "sh";
        }
        String name = word;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0 && slash < name.length() - 1) {
            name = name.substring(slash + 1);
        }
        if (name.endsWith(".exe") || name.endsWith(".com")) {
            name = name.substring(0, name.length() - 4);
        }
        if ((name.indexOf('?') >= 0 || name.indexOf('*') >= 0) && name.length() <= 16
                && name.chars().filter(c -> c == '*').count() <= 2) {
            for (String command : COMMANDS) {
                if (command.length() > 1 && glob(name, command)) {
                    return command;
                }
            }
        }
        return name;
    }

    /** Shell globbing, which attackers use to name a command without spelling it. */
    private static boolean glob(String pattern, String name) {
        if (pattern.isEmpty()) {
            return name.isEmpty();
        }
        char p = pattern.charAt(0);
        if (p == '*') {
            for (int k = 0; k <= name.length(); k++) {
                if (glob(pattern.substring(1), name.substring(k))) {
                    return true;
                }
            }
            return false;
        }
        return !name.isEmpty() && (p == '?' || p == name.charAt(0)) && glob(pattern.substring(1), name.substring(1));
    }

    /** An argument that makes the words a command line: an option, a path, a variable, a redirection, a number. */
    private static boolean shellArgument(String word) {
        char c = word.charAt(0);
        return c == '-' || c == '/' || c == '.' || c == '$' || c == '~' || c == '<' || c == '>' || c == '*' || c == '%'
                || Character.isDigit(c) && word.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')
                || word.length() > 2 && word.charAt(1) == ':' && Character.isLetter(c)
                || word.startsWith("http") || word.contains("=");
    }
}
