/**
 * The demo bank's SOAP face: a JAX-WS service (document/literal, bare) over the same
 * {@link io.portcullis.examples.bank.DemoBank} as the REST face. Message elements mirror the REST
 * JSON field names, so rules address the same values ({@code /fromAccount}, {@code /amount}) on both.
 */
@XmlSchema(namespace = BankPort.NAMESPACE, elementFormDefault = XmlNsForm.QUALIFIED)
package io.portcullis.examples.bank.soap;

import jakarta.xml.bind.annotation.XmlNsForm;
import jakarta.xml.bind.annotation.XmlSchema;
