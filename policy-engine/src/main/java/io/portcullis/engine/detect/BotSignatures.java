package io.portcullis.engine.detect;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Detection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bad bots by what they send: the user agents of attack tools and vulnerability scanners (paranoia
 * 1), no user agent at all (2), no Accept header (3). Tools that lie about their user agent are
 * found by what they send instead, by the other detectors.
 *
 * @param tools lower-case substrings of the user agents of attack tools
 */
public record BotSignatures(List<String> tools) {

    public static final String FAMILY = "BAD_BOT";
    public static final BotSignatures STANDARD = new BotSignatures(List.of("sqlmap", "nikto", "nmap", "masscan", "zgrab",
            "nuclei", "acunetix", "netsparker", "wpscan", "dirbuster", "gobuster", "feroxbuster", "ffuf", "wfuzz", "hydra",
            "w3af", "arachni", "openvas", "nessus", "havij", "commix", "xsstrike", "skipfish", "whatweb", "jaeles",
            "zmeu", "morfeus", "jorgee", "sqlninja", "paros", "webinspect", "appscan", "dirb/", "nextgen scanner",
            "fimap", "brutus", "bsqlbf", "grabber", "pangolin", "nsauditor", "ghauri", "dalfox", "katana", "interactsh",
            "log4j-scan", "zgrab2", "censysinspect", "netcraftsurvey", "l9explore", "leakix", "odin.", "expanse"));

    public BotSignatures {
        tools = List.copyOf(tools);
    }

    public List<Detection> inspect(ApiRequest request, int paranoia) {
        List<Detection> found = new ArrayList<>(1);
        String agent = request.header("user-agent");
        if (agent == null || agent.isBlank()) {
            if (paranoia >= 2) {
                found.add(new Detection(FAMILY, "header/user-agent", "no user agent", 40));
            }
        } else {
            String lower = agent.toLowerCase(Locale.ROOT);
            for (String tool : tools) {
                if (lower.contains(tool)) {
                    found.add(new Detection(FAMILY, "header/user-agent", "attack tool " + tool.strip(), 100));
                    break;
                }
            }
        }
        if (paranoia >= 3 && request.header("accept") == null) {
            found.add(new Detection(FAMILY, "header/accept", "no Accept header", 20));
        }
        return found;
    }
}
