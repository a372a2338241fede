package io.portcullis.examples.bank.soap;

import jakarta.xml.ws.WebFault;

/** The bank's own refusal (unknown account, insufficient funds), as a SOAP fault with a plain message. */
@WebFault(name = "BankFault", targetNamespace = BankPort.NAMESPACE)
public class BankFault extends Exception {

    private final Messages.FaultDetail faultInfo;

    public BankFault(String message) {
        this(message, new Messages.FaultDetail(message));
    }

    /** The JAX-WS fault constructor: clients rebuild the exception from the fault string and detail. */
    public BankFault(String message, Messages.FaultDetail faultInfo) {
        super(message);
        this.faultInfo = faultInfo;
    }

    public Messages.FaultDetail getFaultInfo() {
        return faultInfo;
    }
}
