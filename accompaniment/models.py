# Models of this app arrive with its issue; the app is installed so that
# later work only adds to it.
