package io.portcullis.engine.detect;

import io.portcullis.engine.detect.SqlLexer.Token;
import io.portcullis.engine.detect.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SQL injection, judged on tokens rather than keywords: a value is an attack when, pasted into a
 * query outside a literal or inside a quoted one, it ends that context and goes on as valid SQL
 * that changes the query (a tautology, a UNION, a stacked statement, a time delay, a comment that
 * cuts the rest off). Prose that merely uses SQL words ("select the best from the list", "O'Brien
 * or Smith") does not read as valid SQL after a breakout, and is left alone.
 */
public final class SqlInjectionDetector implements Detector {

    public static final String FAMILY = "SQL_INJECTION";

    private static final Set<String> COMPARISONS = Set.of("=", "<", ">", "<>", "!=", "<=", ">=", "<=>", "==", "LIKE", "RLIKE",
            "REGEXP", "IS", "IN", "BETWEEN", "SOUNDS", "GLOB", "MATCH", "ILIKE", "SIMILAR");
    /** Calls that delay, read files, run commands or force errors that carry data: never in an honest value. */
    private static final Set<String> ATTACK_FUNCTIONS = Set.of("SLEEP", "BENCHMARK", "PG_SLEEP", "RECEIVE_MESSAGE",
            "EXTRACTVALUE", "UPDATEXML", "LOAD_FILE", "XP_CMDSHELL", "GET_HOST_NAME", "GET_HOST_ADDRESS", "SN",
            "NAME_CONST", "GTID_SUBSET", "SYS_EVAL", "SYS_EXEC", "LO_IMPORT", "PG_READ_FILE", "RANDOMBLOB",
            "DBMS_PIPE", "UTL_HTTP", "REQUEST", "GEOMETRYCOLLECTION", "MULTIPOINT", "POLYGON", "LINESTRING", "EXP",
            "JSON_KEYS", "XMLTYPE", "CTXSYS", "CHR", "CHAR", "CONCAT", "CONCAT_WS", "GROUP_CONCAT", "ASCII", "SUBSTRING",
            "SUBSTR", "MID", "ORD", "HEX", "UNHEX", "IF", "IIF", "CAST", "CONVERT", "VERSION", "DATABASE", "USER",
            "LENGTH", "LEN", "COUNT", "CURRENT_USER", "SYSTEM_USER", "DB_NAME", "UPPER", "LOWER", "RAND", "FLOOR",
            "ELT", "MAKE_SET", "BIN", "OCT", "CHARINDEX", "WAITFOR", "COALESCE", "IFNULL", "NVL", "SLEEP_UNTIL",
            "DBMS_LOCK", "PG_READ_BINARY_FILE", "QUERY_TO_XML", "ROW_TO_JSON", "JSON_ARRAYAGG", "STRCMP", "SUBSTRING_INDEX",
            "LEFT", "RIGHT", "REPLACE", "REVERSE", "TO_CHAR", "UTL_INADDR", "SELECT", "EXISTS", "BIT_LENGTH", "INSTR",
            "POSITION", "LOCATE", "UNICODE", "NCHAR", "SHA1", "MD5", "UUID", "ROW", "DUMP", "CONNECTION_ID");
    /** Oracle packages whose calls are written {@code UTL_HTTP.REQUEST(..)}. */
    private static final Set<String> SYSTEM_PACKAGES = Set.of("UTL_HTTP", "UTL_INADDR", "DBMS_PIPE", "DBMS_LOCK", "CTXSYS",
            "DRITHSX", "SYS", "DBMS_XMLGEN");
    /** Calls that only an attack makes: these count even without a breakout. */
    private static final Set<String> SINISTER_FUNCTIONS = Set.of("SLEEP", "BENCHMARK", "PG_SLEEP", "RECEIVE_MESSAGE",
            "EXTRACTVALUE", "UPDATEXML", "LOAD_FILE", "XP_CMDSHELL", "GET_HOST_NAME", "GET_HOST_ADDRESS", "NAME_CONST",
            "GTID_SUBSET", "SYS_EVAL", "SYS_EXEC", "LO_IMPORT", "PG_READ_FILE", "DBMS_PIPE", "UTL_HTTP", "UTL_INADDR",
            "PG_READ_BINARY_FILE", "QUERY_TO_XML", "RANDOMBLOB", "DBMS_LOCK");
    private static final Set<String> SYSTEM_OBJECTS = Set.of("INFORMATION_SCHEMA", "@@VERSION", "SYSOBJECTS",
            "SYSCOLUMNS", "PG_SHADOW", "PG_CATALOG", "SQLITE_MASTER", "SQLITE_SCHEMA", "ALL_TABLES", "USER_TABLES",
            "MSYSOBJECTS", "XP_CMDSHELL", "SP_EXECUTESQL", "SP_OACREATE", "OPENROWSET", "OPENQUERY", "PG_USER",
            "SYS", "MYSQL", "V$VERSION", "ALL_USERS", "DBA_USERS", "@@DATADIR", "@@HOSTNAME", "@@SERVERNAME", "SYSUSERS",
            "SYSDATABASES", "MASTER", "PG_TABLES", "UTL_HTTP", "UTL_INADDR", "DBMS_PIPE", "DBMS_LOCK", "CTXSYS",
            "DBMS_XMLGEN");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of("'", "\"", "`", "--", "#", "/*", ";", "=", "(", "<", ">", "union", "select", "order", "group",
                "having", "waitfor", "@@", "||", "&&", " or ", " and ", " xor ", " like ", "exec", "shutdown", "drop",
                " is ", " in ", "delete", "insert", "update");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        int best = 0;
        String evidence = "";
        for (String form : forms) {
            // A backslash escapes a quote in MySQL only: x\' OR 1=1 breaks out everywhere else.
            boolean[] escapeStyles = form.indexOf('\\') >= 0 ? new boolean[] {true, false} : new boolean[] {true};
            for (char quote : new char[] {0, '\'', '"'}) {
                if (quote != 0 && form.indexOf(quote) < 0) {
                    continue;
                }
                for (boolean backslashEscapes : escapeStyles) {
                    SqlLexer.Lexed lexed = SqlLexer.lex(form, quote, backslashEscapes);
                    Verdict verdict = judge(lexed.tokens(), quote != 0);
                    if (lexed.truncated() && verdict.score < 60) {
                        verdict = new Verdict(60, "too long to read whole");
                    }
                    if (verdict.score > best) {
                        best = verdict.score;
                        evidence = verdict.evidence;
                    }
                }
            }
        }
        if (best >= 60) {
            signals.report(best, 1, evidence);
        } else if (best > 0) {
            signals.report(best, 2, evidence);
        }
    }

    record Verdict(int score, String evidence) {
        static final Verdict NONE = new Verdict(0, "");
    }

    /** @param quoted whether the value landed in a literal, so the first token is that literal closed */
    static Verdict judge(List<Token> all, boolean quoted) {
        List<Token> tokens = new ArrayList<>(all.size());
        boolean endsInComment = false;
        for (Token token : all) {
            if (token.type() == Type.COMMENT) {
                endsInComment = true;
            } else {
                tokens.add(token);
                endsInComment = false;
            }
        }
        Verdict anywhere = anywhere(tokens, endsInComment);
        if (anywhere.score >= 100) {
            return anywhere;
        }
        Verdict breakout = breakout(tokens, quoted, endsInComment);
        return breakout.score >= anywhere.score ? breakout : anywhere;
    }

    /** Structures that are SQL wherever they sit: UNION SELECT, a stacked statement, a delaying call in an expression. */
    private static Verdict anywhere(List<Token> t, boolean endsInComment) {
        int best = 0;
        String evidence = "";
        for (int i = 0; i < t.size(); i++) {
            Token token = t.get(i);
            if (token.is(Type.KEYWORD, "UNION") && unionSelect(t, i + 1)) {
                return new Verdict(100, "UNION SELECT");
            }
            if (token.type() == Type.SEMICOLON && statement(t, i + 1)) {
                return new Verdict(100, "stacked statement " + t.get(i + 1).text());
            }
            if (token.is(Type.KEYWORD, "WAITFOR") && i + 1 < t.size()
                    && (t.get(i + 1).is(Type.KEYWORD, "DELAY") || t.get(i + 1).is(Type.IDENT, "TIME"))) {
                return new Verdict(100, "WAITFOR DELAY");
            }
            if (token.type() == Type.FUNCTION && SINISTER_FUNCTIONS.contains(token.text()) && arguments(t, i + 1)
                    && !(i > 0 && t.get(i - 1).type() == Type.DOT && i > 1 && !SYSTEM_PACKAGES.contains(t.get(i - 2).text()))) {
                boolean inExpression = i > 0 && expressionJoint(t.get(i - 1));
                int score = inExpression || endsInComment ? 100 : 60;
                if (score > best) {
                    best = score;
                    evidence = "call to " + token.text().toLowerCase(java.util.Locale.ROOT);
                }
            }
            if ((token.type() == Type.IDENT || token.type() == Type.VARIABLE || token.type() == Type.KEYWORD)
                    && SYSTEM_OBJECTS.contains(token.text()) && i + 1 < t.size()
                    && (t.get(i + 1).type() == Type.DOT || i > 0 && (t.get(i - 1).is(Type.KEYWORD, "FROM")
                    || expressionJoint(t.get(i - 1))))) {
                if (60 > best) {
                    best = 60;
                    evidence = "system catalog " + token.text().toLowerCase(java.util.Locale.ROOT);
                }
            }
            if (token.is(Type.KEYWORD, "INTO") && i + 1 < t.size()
                    && (t.get(i + 1).is(Type.KEYWORD, "OUTFILE") || t.get(i + 1).is(Type.KEYWORD, "DUMPFILE"))) {
                return new Verdict(100, "INTO OUTFILE");
            }
            if (token.is(Type.KEYWORD, "SELECT") && selectList(t, i + 1) && fromFollows(t, i + 1)) {
                if (80 > best) {
                    best = 80;
                    evidence = "SELECT statement";
                }
            }
        }
        return new Verdict(best, evidence);
    }

    /** A call's arguments as SQL passes them ({@code (5)}, {@code ('/etc/passwd')}, {@code (1,concat(..))}), not prose in brackets. */
    private static boolean arguments(List<Token> t, int i) {
        if (i >= t.size() || t.get(i).type() != Type.LPAREN) {
            return false;
        }
        if (i + 1 >= t.size()) {
            return true;
        }
        Token first = t.get(i + 1);
        return switch (first.type()) {
            case NUMBER, STRING, CONST, FUNCTION, VARIABLE, LPAREN, RPAREN -> true;
            case KEYWORD -> first.text().equals("SELECT");
            case IDENT -> i + 2 < t.size() && (t.get(i + 2).type() == Type.COMMA || t.get(i + 2).type() == Type.RPAREN
                    || t.get(i + 2).type() == Type.OPERATOR || t.get(i + 2).type() == Type.DOT);
            default -> false;
        };
    }

    private static boolean expressionJoint(Token previous) {
        return switch (previous.type()) {
            case LOGIC, OPERATOR, LPAREN, COMMA, SEMICOLON, STRING -> true;
            case KEYWORD -> Set.of("SELECT", "WHERE", "THEN", "ELSE", "WHEN", "HAVING", "AND", "OR", "BY", "ON", "IF", "FROM")
                    .contains(previous.text());
            default -> false;
        };
    }

    private static boolean unionSelect(List<Token> t, int i) {
        while (i < t.size() && (t.get(i).is(Type.KEYWORD, "ALL") || t.get(i).is(Type.KEYWORD, "DISTINCT")
                || t.get(i).type() == Type.LPAREN)) {
            i++;
        }
        return i < t.size() && t.get(i).is(Type.KEYWORD, "SELECT") && selectList(t, i + 1);
    }

    /** What follows SELECT looks like a column list, not prose: a literal, a star, a call, a list, a variable. */
    private static boolean selectList(List<Token> t, int i) {
        while (i < t.size() && (t.get(i).is(Type.KEYWORD, "ALL") || t.get(i).is(Type.KEYWORD, "DISTINCT")
                || t.get(i).is(Type.KEYWORD, "TOP") || t.get(i).type() == Type.LPAREN)) {
            i++;
        }
        if (i >= t.size()) {
            return false;
        }
        Token first = t.get(i);
        return switch (first.type()) {
            case NUMBER, STRING, CONST, FUNCTION, VARIABLE -> true;
            case OPERATOR -> first.text().equals("*") || first.text().equals("-");
            // "Select Committee." is prose: a qualified name needs a name or * after the dot
            case IDENT, KEYWORD -> i + 1 < t.size() && (t.get(i + 1).type() == Type.COMMA
                    || t.get(i + 1).type() == Type.DOT && i + 2 < t.size()
                    && (t.get(i + 2).type() == Type.IDENT || t.get(i + 2).type() == Type.FUNCTION
                    || t.get(i + 2).is(Type.OPERATOR, "*"))
                    || t.get(i + 1).is(Type.KEYWORD, "FROM") || t.get(i + 1).type() == Type.OPERATOR);
            default -> false;
        };
    }

    private static boolean fromFollows(List<Token> t, int i) {
        for (int k = i; k < t.size() && k < i + 12; k++) {
            if (t.get(k).is(Type.KEYWORD, "FROM")) {
                return k + 1 < t.size() && (t.get(k + 1).type() == Type.IDENT || t.get(k + 1).type() == Type.KEYWORD
                        || t.get(k + 1).type() == Type.LPAREN);
            }
        }
        return false;
    }

    /** A statement that starts at {@code i}: what a stacked query needs to do harm. */
    private static boolean statement(List<Token> t, int i) {
        if (i >= t.size()) {
            return false;
        }
        Token first = t.get(i);
        Token second = i + 1 < t.size() ? t.get(i + 1) : null;
        if (first.type() != Type.KEYWORD && first.type() != Type.IDENT && first.type() != Type.FUNCTION) {
            return false;
        }
        return switch (first.text()) {
            case "SELECT" -> selectList(t, i + 1);
            case "INSERT" -> second != null && second.is(Type.KEYWORD, "INTO");
            case "DELETE" -> second != null && second.is(Type.KEYWORD, "FROM");
            case "UPDATE" -> second != null && i + 2 < t.size() && t.get(i + 2).is(Type.KEYWORD, "SET");
            case "DROP", "CREATE", "ALTER", "TRUNCATE" -> second != null && Set.of("TABLE", "DATABASE", "USER", "VIEW",
                    "PROCEDURE", "FUNCTION", "INDEX", "SCHEMA", "TRIGGER", "LOGIN", "ROLE").contains(second.text());
            case "EXEC", "EXECUTE" -> second != null && (second.type() == Type.IDENT || second.type() == Type.FUNCTION
                    || second.type() == Type.LPAREN || second.type() == Type.VARIABLE || second.type() == Type.STRING);
            case "DECLARE" -> second != null && second.type() == Type.VARIABLE;
            case "WAITFOR" -> second != null && (second.is(Type.KEYWORD, "DELAY") || second.is(Type.IDENT, "TIME"));
            case "SHUTDOWN" -> second == null || second.type() == Type.SEMICOLON || second.text().equals("WITH");
            case "GRANT", "REVOKE" -> second != null && (second.is(Type.KEYWORD, "ALL") || second.type() == Type.KEYWORD);
            case "CALL" -> second != null && second.type() == Type.FUNCTION;
            case "COPY" -> second != null && (second.type() == Type.IDENT || second.type() == Type.LPAREN);
            case "SET" -> second != null && second.type() == Type.VARIABLE;
            case "LOAD" -> second != null && second.is(Type.KEYWORD, "DATA");
            default -> first.type() == Type.FUNCTION && SINISTER_FUNCTIONS.contains(first.text());
        };
    }

    /**
     * The value ends the context it landed in (a literal it closes, a number it completes, or
     * parentheses it closes) and goes on as SQL.
     */
    private static Verdict breakout(List<Token> t, boolean quoted, boolean endsInComment) {
        if (t.isEmpty()) {
            return Verdict.NONE;
        }
        if (!quoted && t.size() > 1 && (t.get(0).is(Type.OPERATOR, "-") || t.get(0).is(Type.OPERATOR, "+"))
                && t.get(1).type() == Type.NUMBER) {
            t = t.subList(1, t.size());
        }
        Token first = t.get(0);
        if (quoted ? first.type() != Type.STRING || first.unterminated()
                : first.type() != Type.NUMBER && first.type() != Type.CONST) {
            return parenthesisBreakout(t, endsInComment);
        }
        int i = 1;
        while (i < t.size() && t.get(i).type() == Type.RPAREN) {
            i++;
        }
        boolean closedParentheses = i > 1;
        if (i == t.size()) {
            return quoted && endsInComment || closedParentheses && endsInComment
                    ? new Verdict(100, "literal closed and the query cut by a comment") : Verdict.NONE;
        }
        return continuation(t, i, quoted, endsInComment);
    }

    /** {@code abc) OR (1=1}: a value that closes the parentheses it was put in. */
    private static Verdict parenthesisBreakout(List<Token> t, boolean endsInComment) {
        int i = 0;
        while (i < t.size() && i < 3 && t.get(i).type() != Type.RPAREN) {
            Type type = t.get(i).type();
            if (type != Type.IDENT && type != Type.NUMBER && type != Type.STRING) {
                return Verdict.NONE;
            }
            i++;
        }
        if (i == 0 || i >= t.size() || t.get(i).type() != Type.RPAREN) {
            return Verdict.NONE;
        }
        while (i < t.size() && t.get(i).type() == Type.RPAREN) {
            i++;
        }
        if (i == t.size()) {
            return endsInComment ? new Verdict(100, "parenthesis closed and the query cut by a comment") : Verdict.NONE;
        }
        return continuation(t, i, false, endsInComment);
    }

    private static Verdict continuation(List<Token> t, int i, boolean quoted, boolean endsInComment) {
        Token next = t.get(i);
        switch (next.type()) {
            case LOGIC -> {
                Expression tail = Expression.read(t, i + 1, quoted);
                if (!tail.valid) {
                    return Verdict.NONE;
                }
                if (tail.comparison || tail.call || tail.subquery || tail.truth) {
                    return new Verdict(100, "literal closed, then " + next.text() + " with " + tail.describe());
                }
                if (endsInComment && tail.operands >= 1) {
                    return new Verdict(100, "literal closed, then " + next.text() + " and a comment");
                }
                // OR 1, OR '1': a literal that is true on its own (MySQL, SQLite)
                if (quoted && tail.truthy && next.text().equals("OR")) {
                    return new Verdict(100, "literal closed, then OR with a true literal");
                }
                return quoted && tail.operands >= 1 ? new Verdict(40, "literal closed, then " + next.text()) : Verdict.NONE;
            }
            case OPERATOR -> {
                Expression tail = Expression.read(t, i + 1, quoted);
                if (!tail.valid || tail.operands == 0 && !tail.subquery && !endsInComment) {
                    return Verdict.NONE;
                }
                // 1::int AND 1=1 is a number cast and then a condition; 1 < 2 and 3 > 2 is arithmetic prose
                if (tail.call || tail.subquery || tail.logic && tail.comparison && !COMPARISONS.contains(next.text())) {
                    return new Verdict(100, "literal closed, then an expression with " + tail.describe());
                }
                boolean comparison = tail.comparison || COMPARISONS.contains(next.text());
                // '=' : a comparison of literals that leaves its last quote to the application, a tautology
                return quoted && comparison ? new Verdict(endsInComment || tail.literals && tail.operands == 1
                        && COMPARISONS.contains(next.text()) && t.get(t.size() - 1).unterminated() ? 100 : 60,
                        "literal closed, then a comparison") : Verdict.NONE;
            }
            case SEMICOLON -> {
                if (statement(t, i + 1)) {
                    return new Verdict(100, "stacked statement");
                }
                return quoted && i + 1 == t.size() && endsInComment ? new Verdict(60, "literal closed, statement ended")
                        : Verdict.NONE;
            }
            case KEYWORD -> {
                Token after = i + 1 < t.size() ? t.get(i + 1) : null;
                if ((next.text().equals("ORDER") || next.text().equals("GROUP")) && after != null
                        && after.is(Type.KEYWORD, "BY") && sortKey(t, i + 2, endsInComment)) {
                    return new Verdict(100, next.text() + " BY after the literal");
                }
                if (next.text().equals("HAVING") || next.text().equals("PROCEDURE")
                        || next.text().equals("INTO") && after != null && after.type() == Type.KEYWORD) {
                    return new Verdict(100, next.text() + " after the literal");
                }
                if ((next.text().equals("LIMIT") || next.text().equals("OFFSET")) && after != null
                        && after.type() == Type.NUMBER) {
                    return new Verdict(endsInComment ? 100 : 60, next.text() + " after the literal");
                }
                return Verdict.NONE;
            }
            default -> {
                return Verdict.NONE;
            }
        }
    }

    /** What ORDER BY probes with: a column number, a call, or a name that ends the query ("order by Friday" is prose). */
    private static boolean sortKey(List<Token> t, int i, boolean endsInComment) {
        if (i >= t.size()) {
            return false;
        }
        Token key = t.get(i);
        Token after = i + 1 < t.size() ? t.get(i + 1) : null;
        return switch (key.type()) {
            case NUMBER, FUNCTION, LPAREN -> true;
            case KEYWORD -> key.text().equals("CASE");
            case IDENT -> after == null ? endsInComment : after.type() == Type.COMMA || after.is(Type.KEYWORD, "ASC")
                    || after.is(Type.KEYWORD, "DESC") || after.is(Type.KEYWORD, "LIMIT") || after.is(Type.KEYWORD, "HAVING")
                    || after.type() == Type.SEMICOLON;
            default -> false;
        };
    }

    /** Reads an expression the way SQL's grammar would, to tell SQL from prose that shares its words. */
    /** A literal SQL reads as true: a number other than zero, or a string that is one. */
    private static boolean truthy(Token token) {
        if (token.type() != Type.NUMBER && token.type() != Type.STRING || token.text().isEmpty()) {
            return false;
        }
        String text = token.text().strip();
        boolean digits = !text.isEmpty() && text.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        return digits && text.chars().anyMatch(c -> c >= '1' && c <= '9');
    }

    static final class Expression {
        boolean valid;
        boolean comparison;
        boolean call;
        boolean subquery;
        boolean truth;
        boolean truthy;
        boolean logic;
        boolean literals = true;
        int operands;
        String function = "";

        String describe() {
            return subquery ? "a subquery" : call ? "a call to " + function.toLowerCase(java.util.Locale.ROOT) : "a comparison";
        }

        static Expression read(List<Token> t, int from, boolean quoted) {
            Expression e = new Expression();
            boolean expectOperand = true;
            for (int i = from; i < t.size(); i++) {
                Token token = t.get(i);
                if (e.subquery) {
                    if (token.type() == Type.UNKNOWN) {
                        e.subquery = false;
                        return e;
                    }
                    continue;
                }
                if (expectOperand) {
                    switch (token.type()) {
                        case NUMBER, STRING, CONST, VARIABLE, IDENT -> {
                            if (token.type() == Type.STRING && token.unterminated() && !quoted) {
                                return e;
                            }
                            e.truth |= token.is(Type.CONST, "TRUE") || token.is(Type.CONST, "NULL");
                            e.truthy |= truthy(token);
                            e.literals &= token.type() != Type.IDENT;
                            e.operands++;
                            expectOperand = false;
                        }
                        case FUNCTION -> {
                            e.call |= ATTACK_FUNCTIONS.contains(token.text());
                            e.function = token.text();
                            e.operands++;
                        }
                        case LPAREN -> { }
                        case RPAREN -> expectOperand = false;
                        case KEYWORD -> {
                            if (token.text().equals("SELECT")) {
                                e.subquery = true;
                            } else if (!token.text().equals("CASE") && !token.text().equals("EXISTS")
                                    && !token.text().equals("WHEN") && !token.text().equals("ALL")) {
                                return e;
                            }
                        }
                        case LOGIC -> {
                            if (!token.text().equals("NOT")) {
                                return e;
                            }
                        }
                        case OPERATOR -> {
                            if (!Set.of("-", "+", "!", "~").contains(token.text())) {
                                return e;
                            }
                        }
                        default -> {
                            return e;
                        }
                    }
                } else {
                    switch (token.type()) {
                        case OPERATOR, LOGIC -> {
                            e.comparison |= COMPARISONS.contains(token.text());
                            e.logic |= token.type() == Type.LOGIC;
                            expectOperand = true;
                        }
                        case RPAREN -> { }
                        case COMMA, DOT -> expectOperand = true;
                        case KEYWORD -> {
                            if (Set.of("THEN", "ELSE", "WHEN", "END", "AND", "OR").contains(token.text())) {
                                expectOperand = !token.text().equals("END");
                            } else if (Set.of("ORDER", "GROUP", "HAVING", "LIMIT", "UNION", "FROM", "WHERE", "AS", "INTO", "PROCEDURE")
                                    .contains(token.text())) {
                                e.valid = true;
                                e.comparison |= !token.text().equals("AS");
                                return e;
                            } else {
                                return e;
                            }
                        }
                        case SEMICOLON -> {
                            e.valid = statement(t, i + 1) || i + 1 == t.size();
                            return e;
                        }
                        case STRING -> {
                            // The application's own closing quote ends a value that leaves a literal open.
                            e.valid = quoted && token.unterminated() && i + 1 == t.size();
                            return e;
                        }
                        default -> {
                            return e;
                        }
                    }
                }
            }
            e.valid = e.subquery || !expectOperand || e.operands > 0 && e.call || quoted && e.comparison;
            return e;
        }
    }
}
