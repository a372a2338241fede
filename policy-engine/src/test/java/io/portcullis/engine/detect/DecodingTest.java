package io.portcullis.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecodingTest {

    @Test
    void urlEncodingIsUndoneAsOftenAsItWasApplied() {
        assertThat(Decoding.urlDecoded("%2e%2e%2f")).isEqualTo("../");
        assertThat(Decoding.urlDecoded("%252e%252e%252f")).isEqualTo("../");
        assertThat(Decoding.urlDecoded("%25252e")).isEqualTo(".");
        assertThat(Decoding.urlDecoded("%u002e%u002e%u2215")).isEqualTo("..\u2215");
    }

    @Test
    void overlongUtf8DecodesToTheCharacterItSpells() {
        assertThat(Decoding.urlDecoded("%c0%ae%c0%ae%c0%af")).isEqualTo("../");
        assertThat(Decoding.urlDecoded("%e0%80%ae")).isEqualTo(".");
        assertThat(Decoding.urlDecoded("caf%c3%a9")).isEqualTo("café");
    }

    @Test
    void badEscapesStayAsTheyAre() {
        assertThat(Decoding.urlDecoded("50% off, 100%")).isEqualTo("50% off, 100%");
        assertThat(Decoding.urlDecoded("%zz%4")).isEqualTo("%zz%4");
    }

    @Test
    void characterReferencesAndScriptEscapesAreUndone() {
        assertThat(Decoding.htmlDecoded("&lt;svg onload=alert&#40;1&#x29;&gt;")).isEqualTo("<svg onload=alert(1)>");
        assertThat(Decoding.htmlDecoded("java&#0000115cript&colon;")).isEqualTo("javascript:");
        assertThat(Decoding.htmlDecoded("AT&T & Sons")).isEqualTo("AT&T & Sons");
        assertThat(Decoding.jsUnescaped("\\u003cscript\\x3e\\u{61}")).isEqualTo("<script>a");
    }

    @Test
    void formsListTheValueFirstAndEachDistinctDecodingOnce() {
        assertThat(Decoding.forms("plain")).containsExactly("plain");
        assertThat(Decoding.forms("%26lt;b%26gt;")).containsExactly("%26lt;b%26gt;", "&lt;b&gt;", "<b>");
    }
}
