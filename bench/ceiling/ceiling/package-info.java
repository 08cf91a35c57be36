/** The container-ceiling benchmark's SIP application (bench/container-ceiling.py). */
@javax.servlet.sip.annotation.SipApplication(name = "ceiling", mainServlet = "ceiling", distributable = false)
package ceiling;
