package io.portcullis.engine.model;

/** How the gateway established who the caller is. {@link #NONE} means the caller is anonymous. */
public enum AuthMethod {
    NONE, API_KEY, BASIC, JWT, MTLS, WS_SECURITY
}
