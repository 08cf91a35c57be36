package io.pushgate.heldcall;

import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.util.Locale;
import javax.sip.SipFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.Response;
import org.mobicents.servlet.sip.core.MobicentsExtendedListeningPoint;
import org.mobicents.servlet.sip.startup.StaticServiceHolder;

/**
 * Sends a kept response through the container's SIP stack without a transaction (there is none
 * after a restart), on the listener of its top Via's transport; the stack sends it where that Via
 * says (received and rport included).
 */
public final class ContainerResponder implements HeldCalls.Responder {
    @Override
    public void send(String response) throws Exception {
        Response r = ((MessageFactoryImpl) SipFactory.getInstance().createMessageFactory()).createResponse(response);
        String transport = ((ViaHeader) r.getHeader(ViaHeader.NAME)).getTransport().toLowerCase(Locale.ROOT);
        MobicentsExtendedListeningPoint lp = StaticServiceHolder.sipStandardService.getSipApplicationDispatcher()
                .getSipNetworkInterfaceManager().findMatchingListeningPoint(transport, false);
        if (lp == null) throw new IllegalStateException("no " + transport + " listener to send it on");
        lp.getSipProvider().sendResponse(r);
    }
}
