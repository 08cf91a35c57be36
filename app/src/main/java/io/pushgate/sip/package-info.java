/**
 * The SIP vocabulary every module shares: the local domain and its names, reading URIs and
 * headers, and the headers only the stack underneath can add. No module logic lives here.
 */
package io.pushgate.sip;
