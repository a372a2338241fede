package io.portcullis.engine.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.RulePacks;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule packs that must be refused, and engines that must fail closed. */
class RulePackLoadingTest {

    static final String HEADER = """
            package rules.t;
            import io.portcullis.engine.model.ApiRequest;
            import io.portcullis.engine.model.Finding;
            """;

    @TempDir
    Path rules;

    @Test
    void syntaxErrorIsReportedWithFileAndLine() throws Exception {
        write("t/broken.drl", HEADER + """
                rule "t-001"
                when
                    ApiRequest( operation == )
                then
                end
                """);

        assertThatThrownBy(() -> RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load())
                .isInstanceOf(RuleCompilationException.class)
                .satisfies(e -> assertThat(((RuleCompilationException) e).problems())
                        .anySatisfy(p -> {
                            assertThat(p.file()).isEqualTo("t/broken.drl");
                            assertThat(p.line()).isEqualTo(6);
                        }));
    }

    @Test
    void unknownFieldIsReportedWithFileAndLine() throws Exception {
        write("t/typo.drl", HEADER + """
                rule "t-001"
                when
                    ApiRequest( opration == "GET /x" )
                then
                    insert( Finding.permit("OK") );
                end
                """);

        assertThatThrownBy(() -> RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load())
                .isInstanceOf(RuleCompilationException.class)
                .hasMessageContaining("t/typo.drl:6");
    }

    @Test
    void decisionTableWithTheWrongSuffixIsRefusedInsteadOfIgnored() throws Exception {
        write("t/ok.drl", HEADER + "rule \"t-001\" when ApiRequest() then insert( Finding.permit(\"OK\") ); end\n");
        write("t/access.csv", "RuleSet,rules.t\n");

        assertThatThrownBy(() -> RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load())
                .hasMessageContaining("t/access.csv").hasMessageContaining("*.drl.csv");
    }

    @Test
    void spreadsheetDecisionTableIsCompiledAndFires() throws Exception {
        Path table = rules.resolve("t/access.drl.xlsx");
        Files.createDirectories(table.getParent());
        try (var workbook = new org.apache.poi.xssf.usermodel.XSSFWorkbook();
             var out = Files.newOutputStream(table)) {
            var sheet = workbook.createSheet("access");
            String[][] rows = {
                    {"RuleSet", "rules.t"},
                    {"Import", "io.portcullis.engine.model.ApiRequest, io.portcullis.engine.model.Access"},
                    {},
                    {"RuleTable access"},
                    {"NAME", "CONDITION", "ACTION"},
                    {"", "$request : ApiRequest", ""},
                    {"", "operation == \"$param\"", "insert( Access.check($request, \"$param\") );"},
                    {"Rule id", "Operation", "Who may call it"},
                    {"t-001-public", "GET /x", "public"}};
            for (int r = 0; r < rows.length; r++) {
                var row = sheet.createRow(r);
                for (int c = 0; c < rows[r].length; c++) {
                    row.createCell(c).setCellValue(rows[r][c]);
                }
            }
            workbook.write(out);
        }
        RulePack pack = RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load();

        Decision decision = new RulePackPolicyEngine(() -> pack).decide(request());

        assertThat(pack.files()).containsExactly("t/access.drl.xlsx");
        assertThat(decision.permitted()).isTrue();
        assertThat(decision.ruleIds()).containsExactly("t-001-public");
    }

    @Test
    void packWithoutFixturesIsRefusedByTheStandardLoader() throws Exception {
        write("t/ok.drl", HEADER + "rule \"t-001\" when ApiRequest() then insert( Finding.permit(\"OK\") ); end\n");

        assertThatThrownBy(() -> RulePacks.loader(rules, Clock.systemUTC()).load()).hasMessageContaining("no fixtures");
    }

    @Test
    void ruleThatFailsAtRunTimeMakesTheDecisionIndeterminate() throws Exception {
        write("t/npe.drl", HEADER + """
                rule "t-001"
                when
                    $r : ApiRequest()
                then
                    insert( Finding.deny($r.pathParam("missing").toUpperCase(), 403, "") );
                end
                """);
        RulePack pack = RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load();

        Decision decision = new RulePackPolicyEngine(() -> pack).decide(request());

        assertThat(decision.effect()).isEqualTo(Decision.Effect.INDETERMINATE);
        assertThat(decision.permitted()).isFalse();
        assertThat(decision.status()).isEqualTo(500);
    }

    @Test
    void ruleThatNeverSettlesIsCutOffAndRefused() throws Exception {
        write("t/loop.drl", HEADER + """
                rule "t-001"
                when
                    ApiRequest()
                    $f : Finding()
                then
                    insert( Finding.permit("AGAIN") );
                end
                rule "t-002"
                when
                    ApiRequest()
                then
                    insert( Finding.permit("START") );
                end
                """);
        RulePack pack = RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load();

        Decision decision = new RulePackPolicyEngine(() -> pack).decide(request());

        assertThat(decision.effect()).isEqualTo(Decision.Effect.INDETERMINATE);
    }

    @Test
    void noLoadedPackMeans503() {
        Decision decision = new RulePackPolicyEngine(() -> null).decide(request());

        assertThat(decision.effect()).isEqualTo(Decision.Effect.INDETERMINATE);
        assertThat(decision.status()).isEqualTo(503);
    }

    @Test
    void failedReloadKeepsTheLivePack() throws Exception {
        write("t/ok.drl", HEADER + "rule \"t-001\" when ApiRequest() then insert( Finding.permit(\"OK\") ); end\n");
        LiveRulePack live = new LiveRulePack(RulePacks.uncheckedLoader(rules, Clock.systemUTC()), Clock.systemUTC());
        String revision = live.reload().revision();

        write("t/ok.drl", "this is not DRL");
        RulePackStatus status = live.reload();

        assertThat(status.revision()).isEqualTo(revision);
        assertThat(status.lastErrors()).isNotEmpty();
        assertThat(new RulePackPolicyEngine(live).decide(request()).permitted()).isTrue();
    }

    @Test
    void aKubernetesMountedRulesDirectoryIsReadOnceThroughItsLinks() throws Exception {
        // A ConfigMap volume: authz -> ..data/authz, ..data -> ..2026_1 (a hidden folder holding the real files).
        write("..2026_1/authz/ok.drl", HEADER + "rule \"t-001\" when ApiRequest() then insert( Finding.permit(\"OK\") ); end\n");
        Files.createSymbolicLink(rules.resolve("..data"), Path.of("..2026_1"));
        Files.createSymbolicLink(rules.resolve("authz"), Path.of("..data", "authz"));

        RulePack pack = RulePacks.uncheckedLoader(rules, Clock.systemUTC()).load();

        assertThat(pack.files()).containsExactly("authz/ok.drl");
        assertThat(new RulePackPolicyEngine(() -> pack).decide(request()).permitted()).isTrue();
    }

    private static ApiRequest request() {
        return ApiRequest.builder().id("t").route("t").operation("GET /x").principal(Principal.ANONYMOUS).build();
    }

    private void write(String file, String content) throws Exception {
        Path path = rules.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

}
