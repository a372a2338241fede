package io.portcullis.engine.dlp;

import java.util.List;
import java.util.Map;

/**
 * The sensitive data of one response body, searched once and only when something asks: most
 * responses meet no DLP rule, and they cost nothing.
 */
public final class SensitiveDataScan {

    private final Map<String, Object> body;
    private List<SensitiveData.Found> found;

    public SensitiveDataScan(Map<String, Object> body) {
        this.body = body;
    }

    public synchronized List<SensitiveData.Found> found() {
        if (found == null) {
            found = List.copyOf(SensitiveData.scan(body));
        }
        return found;
    }

    @Override
    public String toString() {
        return "SensitiveDataScan[" + (found == null ? "not searched" : found.size() + " found") + "]";
    }
}
