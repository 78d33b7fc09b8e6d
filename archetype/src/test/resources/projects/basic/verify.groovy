// After `mvn verify` of the generated project: its tests ran and passed, and it is laid out to deploy.
import java.util.jar.JarFile

File projectDir = context.get('projectDir') // archetype:integration-test passes it in the context map
def file = { String path -> new File(projectDir, path) }

def report = file('target/surefire-reports/TEST-org.acme.orders.AppTest.xml')
assert report.isFile() : 'the generated tests ran'
def suite = report.text.find(/<testsuite [^>]*>/)
assert suite.contains('tests="3"') && suite.contains('failures="0"') && suite.contains('errors="0"') : suite

def manifest = new JarFile(file('target/orders-api.jar')).withCloseable { it.manifest.mainAttributes }
assert manifest.getValue('Main-Class') == 'org.acme.orders.App'
assert manifest.getValue('Enable-Native-Access') == 'ALL-UNNAMED'

assert file('src/main/java/org/acme/orders/GreetingRoutes.java').text.contains('"hello from orders-api, gen "')
assert file('mvnw').canExecute() && file('deploy/deploy.sh').canExecute() && file('deploy/baton').canExecute()
assert file('.mvn/wrapper/maven-wrapper.properties').isFile() && file('mvnw.cmd').isFile()
assert file('.gitignore').isFile() && !file('gitignore').exists()

def unit = file('deploy/orders-api.service').text
['Type=notify', 'NotifyAccess=all', 'ExecReload=/bin/kill -USR2 $MAINPID', 'PIDFile=/run/orders-api/orders-api.pid',
 '-Dbaton.pidFile=/run/orders-api/orders-api.pid', '-jar /opt/orders-api/current.jar', 'Restart=on-failure',
 'TimeoutStopSec=45', 'BATON_DRAIN_TIMEOUT=30s'].each { assert unit.contains(it) : it }

// Velocity left the shell code alone: only NAME was filled in, and no template syntax is left
def deploy = file('deploy/deploy.sh').text
assert deploy.contains("NAME='orders-api'") && deploy.contains('APP_DIR=${APP_DIR:-/opt/$NAME}')
assert !deploy.contains('#[[') && !deploy.contains(']]#') && !deploy.contains('artifactId')
def baton = file('deploy/baton').text
assert baton.contains("NAME='orders-api'") && baton.contains('dev.baton.ops.Cli "$@"')
assert !baton.contains('#[[') && !baton.contains(']]#') && !baton.contains('artifactId')
assert file('README.md').text.contains('sudo deploy/deploy.sh target/orders-api.jar')

// The Kubernetes recipe (GeneratedAppIT validates it against the schemas): names and image filled in
def k8s = file('deploy/k8s/deployment.yaml').text + file('deploy/k8s/service.yaml').text
['name: orders-api', 'image: registry.example.com/orders-api:1.0.0-SNAPSHOT', '/app/orders-api.jar', 'kind: Service'].each {
    assert k8s.contains(it) : it
}
assert !k8s.contains('${') : 'no template syntax is left'
return true
