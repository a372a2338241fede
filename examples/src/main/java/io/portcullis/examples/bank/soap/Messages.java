package io.portcullis.examples.bank.soap;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlType;
import java.math.BigDecimal;

/** The SOAP messages, field for field the REST face's JSON. */
public final class Messages {

    private Messages() {
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "GetAccount", propOrder = {"accountId"})
    public static class GetAccount {
        @XmlElement(required = true)
        public String accountId;

        public GetAccount() {
        }

        public GetAccount(String accountId) {
            this.accountId = accountId;
        }
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Account", propOrder = {"id", "owner", "balance", "currency"})
    public static class Account {
        @XmlElement(required = true)
        public String id;
        @XmlElement(required = true)
        public String owner;
        @XmlElement(required = true)
        public BigDecimal balance;
        @XmlElement(required = true)
        public String currency;
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Transfer", propOrder = {"fromAccount", "toAccount", "amount", "currency", "reference"})
    public static class Transfer {
        @XmlElement(required = true)
        public String fromAccount;
        @XmlElement(required = true)
        public String toAccount;
        @XmlElement(required = true)
        public BigDecimal amount;
        @XmlElement(required = true)
        public String currency;
        /** Free text for the payee's statement; the demo does not keep it. */
        @XmlElement
        public String reference;

        public Transfer() {
        }

        public Transfer(String fromAccount, String toAccount, BigDecimal amount, String currency) {
            this.fromAccount = fromAccount;
            this.toAccount = toAccount;
            this.amount = amount;
            this.currency = currency;
        }
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "TransferReceipt", propOrder = {"id", "fromAccount", "toAccount", "amount", "currency", "initiatedBy"})
    public static class TransferReceipt {
        @XmlElement(required = true)
        public String id;
        @XmlElement(required = true)
        public String fromAccount;
        @XmlElement(required = true)
        public String toAccount;
        @XmlElement(required = true)
        public BigDecimal amount;
        @XmlElement(required = true)
        public String currency;
        @XmlElement(required = true)
        public String initiatedBy;
    }

    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "FaultDetail", propOrder = {"reason"})
    public static class FaultDetail {
        @XmlElement(required = true)
        public String reason;

        public FaultDetail() {
        }

        public FaultDetail(String reason) {
            this.reason = reason;
        }
    }
}
