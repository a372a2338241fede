package io.portcullis.engine.http;

import io.portcullis.engine.model.Obligation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Applies the header obligations of a decision; they mean the same in every protocol. */
public final class HeaderObligations {

    private HeaderObligations() {
    }

    public static Map<String, List<String>> apply(Map<String, List<String>> source, List<Obligation> obligations) {
        Map<String, List<String>> headers = new LinkedHashMap<>(source);
        for (Obligation obligation : obligations) {
            if (obligation instanceof Obligation.AddHeader add) {
                headers.put(add.name(), List.of(add.value()));
            } else if (obligation instanceof Obligation.RemoveHeader remove) {
                headers.remove(remove.name());
            }
        }
        return headers;
    }
}
