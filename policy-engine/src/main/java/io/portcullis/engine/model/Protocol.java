package io.portcullis.engine.model;

/** The API protocol a request arrived in; rules may use it, most rules should not need to. */
public enum Protocol {
    REST, SOAP, GRAPHQL
}
