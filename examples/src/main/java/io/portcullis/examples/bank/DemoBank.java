package io.portcullis.examples.bank;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo bank's data, shared by its REST, SOAP and GraphQL faces so that one rule can be shown
 * holding on all three. In memory, thread-safe, reset on restart. Demo data only.
 */
public final class DemoBank {

    /**
     * {@code riskRating} (the bank's own assessment) and {@code relationshipManager} (an employee's
     * e-mail address): its REST face returns them, its API description does not declare them.
     */
    public record Account(String id, String owner, BigDecimal balance, String currency, String riskRating,
                          String relationshipManager) {
    }

    public record Customer(String id, String name, String email, String phone, String cardNumber, String nationalId) {
    }

    public record Branch(String id, String city, String address) {
    }

    public record Transfer(String id, String fromAccount, String toAccount, BigDecimal amount, String currency,
                           String initiatedBy, Instant at) {
    }

    /** Why a transfer was refused by the bank itself (not by the gateway). */
    public static final class TransferRefused extends Exception {
        public TransferRefused(String message) {
            super(message);
        }
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, Customer> customers = new ConcurrentHashMap<>();
    private final List<Branch> branches;
    private final List<Transfer> transfers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong transferNumbers = new AtomicLong();

    public DemoBank() {
        accounts.put("acc-alice-1", new Account("acc-alice-1", "alice", new BigDecimal("1200.50"), "EUR", "low",
                "m.weber@demo-bank.example"));
        accounts.put("acc-bob-1", new Account("acc-bob-1", "bob", new BigDecimal("87.00"), "EUR", "medium",
                "m.weber@demo-bank.example"));
        customers.put("alice", new Customer("alice", "Alice Example", "alice@example.com", "+44 20 7946 0018",
                "4111 1111 1111 1111", "123-45-6789"));
        customers.put("bob", new Customer("bob", "Bob Example", "bob@example.com", "+44 20 7946 0999",
                "5555 5555 5555 4444", "987-65-4321"));
        branches = List.of(new Branch("ldn-1", "London", "1 Example Street"),
                new Branch("edi-1", "Edinburgh", "2 Sample Road"));
    }

    public List<Branch> branches() {
        return branches;
    }

    public Optional<Account> account(String id) {
        return Optional.ofNullable(accounts.get(id));
    }

    /** The accounts a customer owns, by id. */
    public List<Account> accountsOf(String customerId) {
        return accounts.values().stream().filter(account -> account.owner().equals(customerId))
                .sorted(java.util.Comparator.comparing(Account::id)).toList();
    }

    public boolean closeAccount(String id) {
        return accounts.remove(id) != null;
    }

    public Optional<Customer> customer(String id) {
        return Optional.ofNullable(customers.get(id));
    }

    public List<Transfer> transfers() {
        synchronized (transfers) {
            return List.copyOf(transfers);
        }
    }

    public synchronized Transfer transfer(String from, String to, BigDecimal amount, String currency, String initiatedBy)
            throws TransferRefused {
        Account source = accounts.get(from);
        Account target = accounts.get(to);
        if (source == null || target == null) {
            throw new TransferRefused("unknown account");
        }
        if (amount.signum() <= 0) {
            throw new TransferRefused("the amount must be positive");
        }
        if (!source.currency().equals(currency) || !target.currency().equals(currency)) {
            throw new TransferRefused("currency mismatch");
        }
        if (source.balance().compareTo(amount) < 0) {
            throw new TransferRefused("insufficient funds");
        }
        accounts.put(from, new Account(from, source.owner(), source.balance().subtract(amount), currency, source.riskRating(),
                source.relationshipManager()));
        accounts.put(to, new Account(to, target.owner(), target.balance().add(amount), currency, target.riskRating(),
                target.relationshipManager()));
        Transfer transfer = new Transfer("tr-" + transferNumbers.incrementAndGet(), from, to, amount, currency,
                initiatedBy, Instant.now());
        transfers.add(transfer);
        return transfer;
    }
}
