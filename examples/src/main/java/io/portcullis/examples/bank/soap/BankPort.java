package io.portcullis.examples.bank.soap;

import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;
import jakarta.jws.soap.SOAPBinding;
import jakarta.xml.ws.Action;

/** The demo bank's SOAP operations; clients (and the tests) use this interface with a JAX-WS proxy. */
@WebService(name = "BankPort", targetNamespace = BankPort.NAMESPACE)
@SOAPBinding(parameterStyle = SOAPBinding.ParameterStyle.BARE)
public interface BankPort {

    String NAMESPACE = "urn:portcullis:demo-bank";

    @WebMethod(operationName = "GetAccount", action = NAMESPACE + "/GetAccount")
    @Action(input = NAMESPACE + "/GetAccount", output = NAMESPACE + "/GetAccountResponse")
    @WebResult(name = "GetAccountResponse", targetNamespace = NAMESPACE, partName = "response")
    Messages.Account getAccount(
            @WebParam(name = "GetAccount", targetNamespace = NAMESPACE, partName = "request") Messages.GetAccount request)
            throws BankFault;

    @WebMethod(operationName = "Transfer", action = NAMESPACE + "/Transfer")
    @Action(input = NAMESPACE + "/Transfer", output = NAMESPACE + "/TransferResponse")
    @WebResult(name = "TransferResponse", targetNamespace = NAMESPACE, partName = "response")
    Messages.TransferReceipt transfer(
            @WebParam(name = "Transfer", targetNamespace = NAMESPACE, partName = "request") Messages.Transfer request)
            throws BankFault;
}
