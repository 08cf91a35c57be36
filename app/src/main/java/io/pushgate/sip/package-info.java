/** The SIP application: its servlet and how its parts are assembled. */
@javax.servlet.sip.annotation.SipApplication(name = "pushgate", mainServlet = "pushgate", distributable = false)
package io.pushgate.sip;
