package io.portcullis.engine.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a value into SQL tokens the way a database would read it once it is pasted into a query,
 * starting either outside any literal or inside a string literal the application opened (the value
 * then first has to close it). Comments are kept as tokens; MySQL's executable comments
 * ({@code /*!50000 UNION*&#47;}) are read as the code they hold.
 */
final class SqlLexer {

    enum Type { STRING, NUMBER, CONST, KEYWORD, LOGIC, OPERATOR, FUNCTION, IDENT, VARIABLE, COMMENT, SEMICOLON, LPAREN, RPAREN, COMMA, DOT, UNKNOWN }

    /**
     * @param text         upper-case for words, the operator for operators, empty for literals
     * @param unterminated a string or comment the value leaves open
     */
    record Token(Type type, String text, boolean unterminated) {
        boolean is(Type t, String word) {
            return type == t && text.equals(word);
        }
    }

    /** Lexing stops here (a value of 64k tokens is hundreds of kilobytes of punctuation); the rest is reported as unread. */
    static final int MAX_TOKENS = 65_536;
    /** How far ahead a word looks for the parenthesis that makes it a call. */
    private static final int CALL_LOOKAHEAD = 256;

    /** @param truncated the value had more tokens than are read */
    record Lexed(List<Token> tokens, boolean truncated) {
    }

    private static final Set<String> LOGIC = Set.of("AND", "OR", "XOR", "NOT");
    private static final Set<String> OPERATOR_WORDS = Set.of("LIKE", "RLIKE", "REGEXP", "IS", "IN", "BETWEEN", "SOUNDS",
            "DIV", "MOD", "COLLATE", "ESCAPE", "ILIKE", "SIMILAR", "GLOB", "MATCH", "AGAINST");
    private static final Set<String> CONSTANTS = Set.of("NULL", "TRUE", "FALSE", "CURRENT_USER", "SYSTEM_USER",
            "SESSION_USER", "CURRENT_DATE", "CURRENT_TIMESTAMP", "SYSDATE");
    static final Set<String> KEYWORDS = Set.of("SELECT", "UNION", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "UPDATE",
            "SET", "DELETE", "DROP", "CREATE", "ALTER", "TABLE", "DATABASE", "TRUNCATE", "EXEC", "EXECUTE", "DECLARE",
            "WAITFOR", "DELAY", "SHUTDOWN", "GRANT", "REVOKE", "ORDER", "GROUP", "BY", "HAVING", "LIMIT", "OFFSET",
            "PROCEDURE", "ALL", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "AS", "JOIN", "ON", "CALL", "COPY",
            "OUTFILE", "DUMPFILE", "TOP", "ASC", "DESC", "WITH", "RETURNING", "EXISTS", "USING", "INNER", "OUTER",
            "LEFT", "RIGHT", "CROSS", "NATURAL", "VIEW", "USER", "SCHEMA", "INDEX", "TRIGGER", "FUNCTION", "DUAL", "LOAD",
            "DATA", "INFILE", "FETCH", "NEXT", "ROWS", "ONLY", "BEGIN", "COMMIT", "ROLLBACK", "PROGRAM", "ANALYSE");

    /** Keywords that take a parenthesis without being a call. */
    private static final Set<String> STRUCTURE = Set.of("SELECT", "VALUES", "EXISTS", "FROM", "WHERE", "UNION", "ALL",
            "AS", "ON", "USING", "INTO", "TABLE", "OVER", "THEN", "ELSE", "WHEN", "CASE", "BY", "HAVING", "DISTINCT", "SET",
            "JOIN", "LIMIT", "OFFSET", "WITH", "RETURNING");

    private SqlLexer() {
    }

    /**
     * @param openQuote        {@code '} or {@code "} when the value lands inside a string literal, else 0
     * @param backslashEscapes whether a backslash escapes a quote, as in MySQL (not in standard SQL)
     * @return the tokens; for a value that never closes the literal it lands in, one unterminated string.
     *         Consecutive comments are one token, so padding with comments does not use up the budget.
     */
    static Lexed lex(String value, char openQuote, boolean backslashEscapes) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        if (openQuote != 0) {
            int close = closingQuote(value, 0, openQuote, backslashEscapes);
            if (close < 0) {
                tokens.add(new Token(Type.STRING, "", true));
                return new Lexed(tokens, false);
            }
            tokens.add(new Token(Type.STRING, value.substring(0, Math.min(close, 32)), false));
            i = close + 1;
        }
        int n = value.length();
        while (i < n && tokens.size() < MAX_TOKENS) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0) {
                i++;
            } else if (c == '\'' || c == '"') {
                int close = closingQuote(value, i + 1, c, backslashEscapes);
                // An open literal's text runs to the end: the application's own quote closes it ('1 becomes '1').
                tokens.add(new Token(Type.STRING, value.substring(i + 1, Math.min(close < 0 ? n : close, i + 33)), close < 0));
                i = close < 0 ? n : close + 1;
            } else if (c == '`') {
                int close = value.indexOf('`', i + 1);
                tokens.add(new Token(Type.IDENT, "`", close < 0));
                i = close < 0 ? n : close + 1;
            } else if (c == '-' && next(value, i) == '-' || c == '#') {
                int end = lineEnd(value, i);
                comment(tokens, end == n);
                i = end;
            } else if (c == '/' && next(value, i) == '*') {
                if (i + 2 < n && value.charAt(i + 2) == '!') {
                    i += 3;
                    while (i < n && Character.isDigit(value.charAt(i))) {
                        i++;
                    }
                    continue;
                }
                int close = value.indexOf("*/", i + 2);
                comment(tokens, close < 0);
                i = close < 0 ? n : close + 2;
            } else if (c == '*' && next(value, i) == '/') {
                i += 2; // the end of an executable comment
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(next(value, i))) {
                int end = number(value, i);
                tokens.add(new Token(Type.NUMBER, value.substring(i, Math.min(end, i + 32)), false));
                i = end;
            } else if ("nNxXbBeE".indexOf(c) >= 0 && next(value, i) == '\'') {
                // N'..', X'61', B'01', E'..': literals with a prefix
                int close = closingQuote(value, i + 2, '\'', backslashEscapes);
                tokens.add(new Token(Type.STRING, "", close < 0));
                i = close < 0 ? n : close + 1;
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_'
                        || value.charAt(end) == '$')) {
                    end++;
                }
                String word = value.substring(i, Math.min(end, i + 64)).toUpperCase(Locale.ROOT);
                tokens.add(new Token(wordType(word, value, end), word, false));
                i = end;
            } else if (c == '@') {
                int end = i + 1;
                while (end < n && (value.charAt(end) == '@' || Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_')) {
                    end++;
                }
                tokens.add(new Token(Type.VARIABLE, value.substring(i, Math.min(end, i + 64)).toUpperCase(Locale.ROOT), false));
                i = end;
            } else {
                i = punctuation(value, i, tokens);
            }
        }
        return new Lexed(tokens, i < n);
    }

    private static void comment(List<Token> tokens, boolean unterminated) {
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).type() == Type.COMMENT) {
            tokens.set(tokens.size() - 1, new Token(Type.COMMENT, "", unterminated));
        } else {
            tokens.add(new Token(Type.COMMENT, "", unterminated));
        }
    }

    private static Type wordType(String word, String value, int end) {
        if (LOGIC.contains(word)) {
            return Type.LOGIC;
        }
        if (OPERATOR_WORDS.contains(word)) {
            return Type.OPERATOR;
        }
        if (CONSTANTS.contains(word)) {
            return Type.CONST;
        }
        boolean called = nextCodeChar(value, end) == '(';
        if (called && !STRUCTURE.contains(word)) {
            return Type.FUNCTION;
        }
        return KEYWORDS.contains(word) ? Type.KEYWORD : Type.IDENT;
    }

    /**
     * The next character that is not space or a comment: {@code sleep/**&#47;(5)} is still a call.
     * Looks a bounded way ahead, so every word of a long value costs the same.
     */
    private static char nextCodeChar(String value, int from) {
        int limit = Math.min(value.length(), from + CALL_LOOKAHEAD);
        int i = from;
        while (i < limit) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && next(value, i) == '*') {
                int close = value.indexOf("*/", i + 2);
                if (close < 0 || close >= limit) {
                    return 0;
                }
                i = close + 2;
            } else {
                return c;
            }
        }
        return 0;
    }

    private static int punctuation(String value, int i, List<Token> tokens) {
        char c = value.charAt(i);
        char d = next(value, i);
        switch (c) {
            case ';' -> tokens.add(new Token(Type.SEMICOLON, ";", false));
            case '(' -> tokens.add(new Token(Type.LPAREN, "(", false));
            case ')' -> tokens.add(new Token(Type.RPAREN, ")", false));
            case ',' -> tokens.add(new Token(Type.COMMA, ",", false));
            case '.' -> tokens.add(new Token(Type.DOT, ".", false));
            case '|', '&' -> {
                if (d == c) {
                    tokens.add(new Token(Type.LOGIC, c == '|' ? "OR" : "AND", false));
                    return i + 2;
                }
                tokens.add(new Token(Type.OPERATOR, String.valueOf(c), false));
            }
            case '<', '>', '!', '=', ':' -> {
                String op = value.startsWith("<=>", i) ? "<=>" : d == '=' || c == '<' && d == '>' || c == ':' && d == ':'
                        ? "" + c + d : String.valueOf(c);
                tokens.add(new Token(c == ':' && op.length() == 1 ? Type.UNKNOWN : Type.OPERATOR, op, false));
                return i + op.length();
            }
            case '+', '-', '*', '/', '%', '^', '~' -> tokens.add(new Token(Type.OPERATOR, String.valueOf(c), false));
            default -> tokens.add(new Token(Type.UNKNOWN, String.valueOf(c), false));
        }
        return i + 1;
    }

    /** Index of the quote that closes a literal opened before {@code from}; doubled quotes (and backslashes, in MySQL) escape. */
    private static int closingQuote(String value, int from, char quote, boolean backslashEscapes) {
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (next(value, i) == quote) {
                    i += 2;
                } else {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int number(String value, int i) {
        int n = value.length();
        if (value.charAt(i) == '0' && i + 1 < n && (value.charAt(i + 1) == 'x' || value.charAt(i + 1) == 'X' || value.charAt(i + 1) == 'b')) {
            int end = i + 2;
            while (end < n && Character.digit(value.charAt(end), 16) >= 0) {
                end++;
            }
            return end;
        }
        int end = i;
        while (end < n && (Character.isDigit(value.charAt(end)) || value.charAt(end) == '.')) {
            end++;
        }
        if (end < n && (value.charAt(end) == 'e' || value.charAt(end) == 'E') && end + 1 < n
                && (Character.isDigit(value.charAt(end + 1)) || value.charAt(end + 1) == '-' || value.charAt(end + 1) == '+')) {
            end += 2;
            while (end < n && Character.isDigit(value.charAt(end))) {
                end++;
            }
        }
        return end;
    }

    private static int lineEnd(String value, int from) {
        int end = value.indexOf('\n', from);
        return end < 0 ? value.length() : end;
    }

    private static char next(String value, int i) {
        return i + 1 < value.length() ? value.charAt(i + 1) : 0;
    }
}
