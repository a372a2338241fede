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
    /** Commands an attacker runs alone, after ; | or a newline, to see whether injection works. */
    private static final Set<String> SOLO = Set.of("id", "ls", "pwd", "ps", "env", "dir", "uname", "whoami", "hostname",
            "ifconfig", "ipconfig", "netstat", "systeminfo", "tasklist", "uptime", "printenv");
    /** Commands that take a count: a number after them is a command line. */
    private static final Set<String> COUNTED = Set.of("sleep", "ping", "timeout", "kill", "head", "tail", "exit");
    /** Commands that fold case (Windows); every other one must be spelled in lower case to run. */
    private static final Set<String> WINDOWS = Set.of("dir", "type", "copy", "del", "erase", "ren", "move", "set", "start",
            "call", "echo", "net", "whoami", "ipconfig", "systeminfo", "tasklist", "powershell", "pwsh", "cmd", "certutil",
            "bitsadmin", "rundll32", "regsvr32", "mshta", "wscript", "cscript", "wmic", "reg", "schtasks", "sc",
            "vssadmin", "msiexec", "timeout", "tracert", "ping", "nslookup", "hostname", "netstat", "arp", "route",
            "icacls", "takeown", "runas", "forfiles", "iex", "invoke-expression", "invoke-webrequest", "start-process",
            "more", "sort", "find", "cd", "shutdown", "curl", "tar", "wevtutil", "pcalua", "installutil", "regasm", "cmstp",
            "odbcconf");
    /** Commands help text chains after another ("git log | head -20"): after a quoted command line they are no injection. */
    private static final Set<String> CHAINED_IN_HELP_TEXT = Set.of("head", "tail", "wc", "grep", "egrep", "sort", "uniq",
            "less", "more", "tee", "cut", "source", "cd", "export", "echo", "npm", "yarn", "make", "git", "mvn", "python",
            "python3", "node", "docker", "kubectl", "jq", "sed", "awk", "cat", "xargs", "tr", "ls", "find", "pip", "go",
            "cargo", "gradle", "time", "rev", "nl", "column");
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
            String unspaced = v.replace(" ", "");
            for (String option : ARGUMENT_INJECTION) {
                if (unspaced.contains(option)) {
                    signals.report(100, 1, "option that runs a command");
                    return;
                }
            }
            List<String> opening = words(v);
            boolean quotedCommandLine = !opening.isEmpty() && DEVELOPER_TOOLS.contains(opening.get(0));
            // A user agent separates its comments with semicolons: "(compatible; Nmap Scripting Engine)"
            boolean semicolonsSeparate = !value.location().equals("header/user-agent");
            Set<String> assigned = new java.util.HashSet<>();
            for (Piece piece : pieces(form, semicolonsSeparate)) {
                List<String> words = words(piece.text);
                if (words.isEmpty()) {
                    continue;
                }
                String spelled = words.get(0);
                // a=who;b=ami;$a$b: a command assembled from variables the value itself set
                int equals = spelled.indexOf('=');
                if (equals > 0 && spelled.substring(0, equals).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                    assigned.add(spelled.substring(0, equals).toLowerCase(Locale.ROOT));
                }
                if (spelled.startsWith("$") && !assigned.isEmpty() && referencesAny(spelled.toLowerCase(Locale.ROOT), assigned)) {
                    best = 100;
                    evidence = "command assembled from variables";
                    continue;
                }
                String command = commandName(spelled.toLowerCase(Locale.ROOT));
                // Unix commands are case-sensitive: "ID" and "Date" are no commands there, only Windows folds case.
                boolean runs = COMMANDS.contains(command) && (WINDOWS.contains(command) || !hasUpperCase(spelled));
                if (!runs) {
                    if (piece.substitution && !command.isEmpty() && Character.isLetter(command.charAt(0)) && 30 > best) {
                        best = 30;
                        evidence = "command substitution";
                    }
                    continue;
                }
                String argument = words.size() > 1 ? words.get(1) : null;
                boolean commandLine = argument == null ? piece.ended && SOLO.contains(command) && piece.separator != '&'
                        : shellArgument(command, argument);
                commandLine |= piece.text.indexOf('>') >= 0 || piece.text.indexOf('<') >= 0;
                int score = !WORDS.contains(command) || commandLine || piece.substitution && argument == null
                        && SOLO.contains(command) ? 100 : 30;
                if (quotedCommandLine && !piece.substitution && CHAINED_IN_HELP_TEXT.contains(command)) {
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

    private static boolean referencesAny(String word, Set<String> names) {
        for (String name : names) {
            if (word.contains("$" + name) || word.contains("${" + name + "}")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasUpperCase(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (Character.isUpperCase(word.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param ended        the piece is followed by a separator or the end of the value, nothing else
     * @param substitution it runs inside backticks or {@code $( )}
     */
    private record Piece(String text, boolean ended, boolean substitution, char separator) {
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
            pieces.add(new Piece(text, text.strip().indexOf(' ') < 0, substitution, opener == 1 ? c : '|'));
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

    /**
     * An argument that makes the words a command line: an option, a path or file name, a variable, a
     * redirection, a shell comment, a URL; a count only where the command takes one ({@code sleep 5}).
     */
    private static boolean shellArgument(String command, String word) {
        char c = word.charAt(0);
        if (c == '-' || c == '/' || c == '.' || c == '$' || c == '~' || c == '<' || c == '>' || c == '*' || c == '%'
                || c == '#' || word.startsWith("http") || word.contains("=")) {
            return true;
        }
        if (word.length() > 2 && word.charAt(1) == ':' && Character.isLetter(c)) {
            return true;
        }
        if (Character.isDigit(c)) {
            return COUNTED.contains(command) && word.chars().allMatch(Character::isDigit);
        }
        // config.php, oast.example: a file or host name (a letter on both sides of a dot)
        int dot = word.indexOf('.');
        return dot > 0 && dot < word.length() - 1 && Character.isLetter(word.charAt(dot - 1))
                && Character.isLetter(word.charAt(dot + 1)) || command.equals("net") && NET_SUBCOMMANDS.contains(word);
    }
}
