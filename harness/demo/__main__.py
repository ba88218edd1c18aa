from harness.demo.server import main

main()
