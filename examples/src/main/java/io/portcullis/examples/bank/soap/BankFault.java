package io.portcullis.examples.bank.soap;

import jakarta.xml.ws.WebFault;

/** The bank's own refusal (unknown account, insufficient funds), as a SOAP fault with a plain message. */
@WebFault(name = "BankFault", targetNamespace = BankPort.NAMESPACE)
public class BankFault extends Exception {

    public BankFault(String message) {
        super(message);
    }
}
