package io.portcullis.examples.bank.soap;

import io.portcullis.examples.bank.DemoBank;
import jakarta.annotation.Resource;
import jakarta.jws.WebService;
import jakarta.xml.ws.WebServiceContext;
import jakarta.xml.ws.handler.MessageContext;
import java.util.List;
import java.util.Map;

/** The SOAP face of the demo bank, on the same data as the REST face. Trusts the gateway in front of it. */
@WebService(serviceName = "DemoBank", portName = "BankPort", targetNamespace = BankPort.NAMESPACE,
        endpointInterface = "io.portcullis.examples.bank.soap.BankPort")
public class BankSoapService implements BankPort {

    private final DemoBank bank;

    @Resource
    private WebServiceContext context;

    public BankSoapService(DemoBank bank) {
        this.bank = bank;
    }

    @Override
    public Messages.Account getAccount(Messages.GetAccount request) throws BankFault {
        DemoBank.Account account = bank.account(request.accountId).orElseThrow(() -> new BankFault("no such account"));
        Messages.Account answer = new Messages.Account();
        answer.id = account.id();
        answer.owner = account.owner();
        answer.balance = account.balance();
        answer.currency = account.currency();
        return answer;
    }

    @Override
    public Messages.TransferReceipt transfer(Messages.Transfer request) throws BankFault {
        if (request.fromAccount == null || request.toAccount == null || request.amount == null || request.currency == null) {
            throw new BankFault("fromAccount, toAccount, amount and currency are required");
        }
        try {
            DemoBank.Transfer done = bank.transfer(request.fromAccount, request.toAccount, request.amount, request.currency,
                    caller());
            Messages.TransferReceipt receipt = new Messages.TransferReceipt();
            receipt.id = done.id();
            receipt.fromAccount = done.fromAccount();
            receipt.toAccount = done.toAccount();
            receipt.amount = done.amount();
            receipt.currency = done.currency();
            receipt.initiatedBy = done.initiatedBy();
            return receipt;
        } catch (DemoBank.TransferRefused e) {
            throw new BankFault(e.getMessage());
        }
    }

    /** Who the gateway says is calling (it replaces any such header a client sends). */
    @SuppressWarnings("unchecked")
    private String caller() {
        if (context == null) {
            return "";
        }
        Map<String, List<String>> headers = (Map<String, List<String>>) context.getMessageContext()
                .get(MessageContext.HTTP_REQUEST_HEADERS);
        if (headers == null) {
            return "";
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if ("x-authenticated-subject".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return "";
    }
}
