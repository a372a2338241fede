package io.portcullis.camel.gateway;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * TLS context parameters whose engines ask clients for a certificate without requiring one.
 *
 * <p>camel-netty-http sets need-client-auth on every server engine it creates, true or false, and
 * JSSE clears want-client-auth whenever need-client-auth is set. The engines made here read "not
 * needed" as "wanted", so a certificate the client sends identifies it, and a client without one
 * can still present another credential. A certificate that is sent but fails validation (unknown
 * CA, expired, revoked) still ends the handshake.
 */
final class CertificateRequestingContext extends SSLContextParameters {

    @Override
    public SSLContext createSSLContext(CamelContext camelContext) throws java.security.GeneralSecurityException, java.io.IOException {
        SSLContext configured = super.createSSLContext(camelContext);
        return new RequestingSslContext(configured);
    }

    private static final class RequestingSslContext extends SSLContext {
        RequestingSslContext(SSLContext delegate) {
            super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;

        Spi(SSLContext delegate) {
            this.delegate = delegate;
        }

        @Override
        protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new RequestingEngine(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new RequestingEngine(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    /** Forwards everything to the JDK engine, except that "client auth not needed" becomes "wanted". */
    private static final class RequestingEngine extends SSLEngine {
        private final SSLEngine delegate;

        RequestingEngine(SSLEngine delegate) {
            super(delegate.getPeerHost(), delegate.getPeerPort());
            this.delegate = delegate;
            delegate.setWantClientAuth(true);
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            if (need) {
                delegate.setNeedClientAuth(true);
            } else {
                delegate.setWantClientAuth(true);
            }
        }

        @Override
        public void setSSLParameters(SSLParameters parameters) {
            if (!parameters.getNeedClientAuth()) {
                parameters.setWantClientAuth(true);
            }
            delegate.setSSLParameters(parameters);
        }

        @Override public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return delegate.wrap(srcs, offset, length, dst);
        }
        @Override public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return delegate.unwrap(src, dsts, offset, length);
        }
        @Override public Runnable getDelegatedTask() { return delegate.getDelegatedTask(); }
        @Override public void closeInbound() throws SSLException { delegate.closeInbound(); }
        @Override public boolean isInboundDone() { return delegate.isInboundDone(); }
        @Override public void closeOutbound() { delegate.closeOutbound(); }
        @Override public boolean isOutboundDone() { return delegate.isOutboundDone(); }
        @Override public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return delegate.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] suites) { delegate.setEnabledCipherSuites(suites); }
        @Override public String[] getSupportedProtocols() { return delegate.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return delegate.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] protocols) { delegate.setEnabledProtocols(protocols); }
        @Override public SSLSession getSession() { return delegate.getSession(); }
        @Override public SSLSession getHandshakeSession() { return delegate.getHandshakeSession(); }
        @Override public void beginHandshake() throws SSLException { delegate.beginHandshake(); }
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return delegate.getHandshakeStatus(); }
        @Override public void setUseClientMode(boolean mode) { delegate.setUseClientMode(mode); }
        @Override public boolean getUseClientMode() { return delegate.getUseClientMode(); }
        @Override public boolean getNeedClientAuth() { return delegate.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean want) { delegate.setWantClientAuth(want); }
        @Override public boolean getWantClientAuth() { return delegate.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean flag) { delegate.setEnableSessionCreation(flag); }
        @Override public boolean getEnableSessionCreation() { return delegate.getEnableSessionCreation(); }
        @Override public SSLParameters getSSLParameters() { return delegate.getSSLParameters(); }
        @Override public String getApplicationProtocol() { return delegate.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return delegate.getHandshakeApplicationProtocol(); }
        @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            delegate.setHandshakeApplicationProtocolSelector(selector);
        }
        @Override public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return delegate.getHandshakeApplicationProtocolSelector();
        }
    }
}
